import Foundation

/// How a `CascadeReport` reads to people: the terminal text of `cascade complete`, the LSP
/// item `detail`, and a Markdown table for LSP documentation.
public struct ReportFormatter: Sendable {
    public init() {}

    // MARK: - Terminal

    /// The module-level imports it needs, the completion, the per-tier table, tier errors,
    /// and the one-line summary.
    public func terminalText(_ report: CascadeReport) -> String {
        var text = ""
        if let imports = report.imports, !imports.isEmpty, !report.completion.isEmpty {
            text += "at the top of the file:\n" + imports.map { $0 + "\n" }.joined() + "\nin place of the body:\n"
        }
        text += report.completion
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        if !text.isEmpty { text += "\n" }
        if !report.tiers.isEmpty { text += table(report) }
        for tier in report.tiers {
            if let error = tier.error { text += "  \(tier.name): \(error)\n" }
        }
        text += summary(report) + "\n"
        if let reason = report.reason { text += "  \(reason)\n" }
        return text
    }

    static let columns = ["tier", "model", "samples", "examples", "tests", "best passed", "score", "accepted", "tokens", "cost", "time"]

    /// The per-tier table, columns aligned with spaces.
    public func table(_ report: CascadeReport) -> String {
        let rows = [Self.columns] + report.tiers.map(cells)
        let widths = Self.columns.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// One line: outcome, answering tier, tests, cost against the baseline, savings, time.
    public func summary(_ report: CascadeReport) -> String {
        var parts = [report.status.rawValue]
        if let tier = report.acceptedTier { parts.append(report.status == .passed ? "accepted at \(tier)" : "answered by \(tier)") }
        if let examples = report.examples { parts.append(Self.examples(examples)) }
        if let tier = report.tiers.first(where: { $0.name == report.acceptedTier }), tier.tests > 0 {
            parts.append("\(tier.bestPassed)/\(tier.tests) \(report.examples == nil ? "tests" : "model tests")")
        } else if report.status == .cached {
            parts.append("\(report.tests.count) tests")
        }
        var cost = "cost \(Self.dollars(report.totalCostUSD))"
        if report.baselineCostUSD > 0 {
            cost += " vs \(Self.dollars(report.baselineCostUSD)) for \(lastTierName(report) ?? "the last tier") alone"
            if report.baselineIsEstimate { cost += " (estimated)" }
            if let difference = Self.difference(report) { cost += ", " + difference }
        }
        parts.append(cost)
        parts.append(Self.seconds(report.latencyMs))
        return parts.joined(separator: " · ")
    }

    // MARK: - Language server

    /// The completion item's `detail`, e.g. `✓ 12/12 tests · small · $0.00003`, or with
    /// examples in the docstring `✓ 3/3 your examples · 9/12 model tests · small · $0.00003`.
    public func detail(_ report: CascadeReport) -> String {
        let cost = Self.dollars(report.totalCostUSD, significant: 1)
        let tier = report.tiers.first { $0.name == report.acceptedTier }
        // The user's examples first; then the model's tests, named apart when both are there.
        var checks = report.examples.map { [Self.examples($0)] } ?? []
        if let tier, tier.tests > 0 || checks.isEmpty {
            checks.append("\(tier.bestPassed)/\(tier.tests) \(report.examples == nil ? "tests" : "model tests")")
        }
        let checked = checks.joined(separator: " · ")
        switch report.status {
        case .passed:
            return "✓ \(checks.isEmpty ? "0/0 tests" : checked) · \(report.acceptedTier ?? "?") · \(cost)"
        case .cached:
            return "✓ cached · \(report.tests.count) tests · \(report.acceptedTier ?? "?") · $0"
        case .unverified:
            if let tier, tier.tests > 0 || report.examples != nil {
                return "? unverified · \(checked) · \(tier.name) · \(cost)"
            }
            return "? unverified (untested) · \(report.acceptedTier ?? "?") · \(cost)"
        case .failed:
            return "✗ failed · \(cost)"
        case .cancelled:
            return "cancelled · \(cost)"
        }
    }

    /// A Markdown summary line and per-tier table for LSP documentation.
    public func markdown(_ report: CascadeReport) -> String {
        var text = "**\(detail(report))**\n\n"
        if let reason = report.reason { text += "_\(reason)_\n\n" }
        if !report.tiers.isEmpty {
            text += "| " + Self.columns.joined(separator: " | ") + " |\n"
            text += "|" + Self.columns.map { _ in " --- |" }.joined() + "\n"
            for tier in report.tiers {
                text += "| " + cells(tier).map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |\n"
            }
            text += "\n"
        }
        text += summary(report) + "\n"
        return text
    }

    // MARK: - Pieces

    private func cells(_ tier: TierReport) -> [String] {
        let tests = tier.inheritedTests > 0 ? "\(tier.tests) (\(tier.inheritedTests) inherited)" : "\(tier.tests)"
        let accepted = tier.accepted ? "yes" : (tier.error != nil ? "skipped" : "no")
        let tokens = "\(tier.promptTokens)+\(tier.completionTokens)" + (tier.usageEstimated ? "~" : "")
        // With sequential sampling the tier may stop before its k: "2 of 6".
        let samples = tier.candidates.map { $0 == tier.samples ? "\($0)" : "\($0) of \(tier.samples)" } ?? "\(tier.samples)"
        let examples = tier.examples.map { "\($0.passed)/\($0.total)" } ?? "-"
        return [
            tier.name, tier.model, samples, examples, tests, "\(tier.bestPassed)",
            String(format: "%.2f/%.2f", tier.score, tier.threshold), accepted, tokens,
            Self.dollars(tier.costUSD), Self.seconds(tier.generationMs + tier.testMs),
        ]
    }

    /// What the editor shows beside a suggestion: `detail` and how its cost compares with
    /// the last tier alone, e.g. `✓ 3/3 tests · small · $0.00003 · 84% cheaper than medium
    /// alone` or `… · 71% dearer than medium alone`.
    public func badge(_ report: CascadeReport) -> Badge {
        var text = detail(report)
        if report.status != .cached, let difference = Self.difference(report) {
            text += " · \(difference) than \(lastTierName(report) ?? "the last tier") alone"
        }
        return Badge(text: text, severity: Badge.Severity(report.status))
    }

    /// `84% cheaper` or `71% dearer` (a loss is shown as a loss), `~` first when the
    /// baseline is an estimate; nil without a baseline.
    static func difference(_ report: CascadeReport) -> String? {
        guard let saved = report.savedFraction else { return nil }
        let percent = Int((abs(saved) * 100).rounded())
        if percent == 0 { return "no cheaper" }
        return "\(report.baselineIsEstimate ? "~" : "")\(percent)% \(saved > 0 ? "cheaper" : "dearer")"
    }

    private func lastTierName(_ report: CascadeReport) -> String? {
        report.baselineIsEstimate ? nil : report.tiers.last?.name
    }

    /// Dollars with `significant` digits once below a cent (`$0.0000305`), else cents (`$0.42`);
    /// trailing zeros past the cents are dropped.
    public static func dollars(_ usd: Double, significant: Int = 3) -> String {
        guard usd > 0 else { return "$0" }
        let magnitude = Int(floor(log10(usd)))
        let decimals = min(10, max(2, -magnitude + significant - 1))
        var text = String(format: "%.\(decimals)f", usd)
        while decimals > 2, text.hasSuffix("0"), text.split(separator: ".").last.map({ $0.count > 2 }) == true {
            text.removeLast()
        }
        return "$" + text
    }

    /// `3/3 your examples`.
    static func examples(_ counts: ExampleCounts) -> String {
        "\(counts.passed)/\(counts.total) your example\(counts.total == 1 ? "" : "s")"
    }

    static func seconds(_ milliseconds: Int) -> String {
        milliseconds < 1000 ? "\(milliseconds) ms" : String(format: "%.1f s", Double(milliseconds) / 1000)
    }
}

/// The short line an editor shows beside a suggestion, and how to colour it.
public struct Badge: Sendable, Equatable, Codable {
    public enum Severity: String, Sendable, Codable {
        case info, ok, warning, error

        public init(_ status: CascadeReport.Status) {
            switch status {
            case .passed, .cached: self = .ok
            case .unverified: self = .warning
            case .failed, .cancelled: self = .error
            }
        }
    }

    public var text: String
    public var severity: Severity

    public init(text: String, severity: Severity) {
        self.text = text
        self.severity = severity
    }
}
