import Foundation

/// A small scatter/line chart written as SVG text: a logarithmic x axis, a linear y axis,
/// grey dots, lines, and labelled markers. Enough for the evaluation report's two plots.
struct SVGChart {
    var title: String
    var xLabel: String
    var yLabel: String
    /// Data ranges; x must be positive (logarithmic).
    var xRange: ClosedRange<Double>
    var yRange: ClosedRange<Double>
    var xTicks: [Double]
    var yTicks: [Double]
    var formatX: (Double) -> String
    var formatY: (Double) -> String

    private let width = 760.0
    private let height = 500.0
    private let left = 70.0
    private let right = 230.0
    private let top = 50.0
    private let bottom = 60.0
    private var elements: [String] = []
    private var legend: [(key: LegendKey, text: String)] = []
    private var placedLabels: [(x: Double, y: Double, width: Double)] = []

    enum Shape { case circle, diamond, square }
    enum LegendKey { case dot(String), line(String) }

    init(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
         xTicks: [Double], yTicks: [Double], formatX: @escaping (Double) -> String, formatY: @escaping (Double) -> String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.xTicks = xTicks
        self.yTicks = yTicks
        self.formatX = formatX
        self.formatY = formatY
    }

    func x(_ value: Double) -> Double {
        let low = log10(xRange.lowerBound), high = log10(xRange.upperBound)
        let clamped = min(max(value, xRange.lowerBound), xRange.upperBound)
        return left + (log10(clamped) - low) / max(high - low, 1e-9) * (width - left - right)
    }

    func y(_ value: Double) -> Double {
        let span = max(yRange.upperBound - yRange.lowerBound, 1e-9)
        return height - bottom - (value - yRange.lowerBound) / span * (height - top - bottom)
    }

    /// Many small grey dots (every policy).
    mutating func dots(_ points: [(Double, Double)], legendText: String) {
        for (px, py) in points {
            elements.append(String(format: ##"<circle cx="%.1f" cy="%.1f" r="2.5" fill="#9aa0a6" fill-opacity="0.45"/>"##, x(px), y(py)))
        }
        legend.append((.dot("#9aa0a6"), legendText))
    }

    /// A polyline through the points, in order.
    mutating func line(_ points: [(Double, Double)], color: String, legendText: String, markers: Bool = false) {
        let path = points.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
        elements.append(##"<polyline points="\##(path)" fill="none" stroke="\##(color)" stroke-width="2"/>"##)
        if markers {
            for (px, py) in points {
                elements.append(String(format: ##"<circle cx="%.1f" cy="%.1f" r="4" fill="%@"/>"##, x(px), y(py), color))
            }
        }
        legend.append((.line(color), legendText))
    }

    /// A named point: a marker and its label beside it.
    mutating func marker(at point: (Double, Double), label: String, color: String, shape: Shape = .circle) {
        let (px, py) = (x(point.0), y(point.1))
        switch shape {
        case .circle:
            elements.append(String(format: ##"<circle cx="%.1f" cy="%.1f" r="6" fill="%@" stroke="white" stroke-width="1.5"/>"##, px, py, color))
        case .diamond:
            elements.append(String(format: ##"<path d="M %.1f %.1f l 7 7 l -7 7 l -7 -7 z" fill="%@" stroke="white" stroke-width="1.5"/>"##, px, py - 7, color))
        case .square:
            elements.append(String(format: ##"<rect x="%.1f" y="%.1f" width="11" height="11" fill="%@" stroke="white" stroke-width="1.5"/>"##, px - 5.5, py - 5.5, color))
        }
        self.label(label, at: point, color: color)
    }

    /// Text beside a point (above it, or `below`), moved down until it clears the labels already placed.
    mutating func label(_ label: String, at point: (Double, Double), color: String, below: Bool = false) {
        let (px, py) = (x(point.0), y(point.1))
        let width = Double(label.count) * 6.5
        var labelY = below ? py + 18 : py - 8
        while placedLabels.contains(where: { abs($0.y - labelY) < 13 && $0.x < px + 9 + width && px + 9 < $0.x + $0.width }) {
            labelY += 14
        }
        placedLabels.append((px + 9, labelY, width))
        elements.append(String(format: ##"<text x="%.1f" y="%.1f" font-size="12" fill="%@">%@</text>"##, px + 9, labelY, color, Self.escape(label)))
    }

    var svg: String {
        var out = [String(format: ##"<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif">"##, width, height, width, height)]
        out.append(##"<rect width="100%" height="100%" fill="white"/>"##)
        out.append(String(format: ##"<text x="%.1f" y="28" font-size="16" font-weight="bold">%@</text>"##, left, Self.escape(title)))
        let plotRight = width - right
        for tick in xTicks where xRange.contains(tick) {
            out.append(String(format: ##"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e7eb"/>"##, x(tick), top, x(tick), height - bottom))
            out.append(String(format: ##"<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle">%@</text>"##, x(tick), height - bottom + 18, Self.escape(formatX(tick))))
        }
        for tick in yTicks where yRange.contains(tick) {
            out.append(String(format: ##"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e7eb"/>"##, left, y(tick), plotRight, y(tick)))
            out.append(String(format: ##"<text x="%.1f" y="%.1f" font-size="12" text-anchor="end">%@</text>"##, left - 8, y(tick) + 4, Self.escape(formatY(tick))))
        }
        out.append(String(format: ##"<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#374151"/>"##, left, top, plotRight - left, height - top - bottom))
        out.append(String(format: ##"<text x="%.1f" y="%.1f" font-size="13" text-anchor="middle">%@</text>"##, (left + plotRight) / 2, height - 18, Self.escape(xLabel)))
        out.append(String(format: ##"<text x="18" y="%.1f" font-size="13" text-anchor="middle" transform="rotate(-90 18 %.1f)">%@</text>"##, (top + height - bottom) / 2, (top + height - bottom) / 2, Self.escape(yLabel)))
        out += elements
        for (index, entry) in legend.enumerated() {
            let rowY = top + 10 + Double(index) * 20
            switch entry.key {
            case .dot(let color):
                out.append(String(format: ##"<circle cx="%.1f" cy="%.1f" r="4" fill="%@"/>"##, plotRight + 20, rowY, color))
            case .line(let color):
                out.append(String(format: ##"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%@" stroke-width="2"/>"##,
                                  plotRight + 12, rowY, plotRight + 28, rowY, color))
            }
            out.append(String(format: ##"<text x="%.1f" y="%.1f" font-size="12">%@</text>"##, plotRight + 36, rowY + 4, Self.escape(entry.text)))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
