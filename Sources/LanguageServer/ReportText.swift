import Cascade
import Foundation

/// Short texts about a report for completion items: the one-line badge and the table.
enum ReportText {
    /// `✓ 12/12 tests · small · $0.00003`; `?` when unverified, `✗` when failed.
    static func detail(_ report: CascadeReport) -> String {
        let mark: String = switch report.status {
        case .passed, .cached: "✓"
        case .unverified: "?"
        case .failed, .cancelled: "✗"
        }
        let accepted = report.tiers.first(where: \.accepted) ?? report.tiers.last
        var parts: [String] = []
        if let accepted, accepted.tests > 0 {
            parts.append("\(mark) \(accepted.bestPassed)/\(accepted.tests) tests")
        } else {
            parts.append("\(mark) \(report.status == .cached ? "cached" : "untested")")
        }
        if let tier = report.acceptedTier ?? accepted?.name { parts.append(tier) }
        parts.append(dollars(report.totalCostUSD))
        return parts.joined(separator: " · ")
    }

    /// Markdown: the status line, a per-tier table, the saving and the tests.
    static func markdown(_ report: CascadeReport) -> String {
        var lines: [String] = []
        lines.append("**Cascade** \(detail(report)) · \(report.latencyMs) ms")
        if let reason = report.reason { lines += ["", "_\(reason)_"] }
        if !report.tiers.isEmpty {
            lines += ["", "| tier | model | k | tests passed | score | cost | time |", "| --- | --- | --- | --- | --- | --- | --- |"]
            for tier in report.tiers {
                let verdict = tier.accepted ? "✓" : (tier.error != nil ? "skipped" : "✗")
                let ms = tier.generationMs + tier.testMs
                lines.append("| \(tier.name) \(verdict) | \(tier.model) | \(tier.samples) | \(tier.bestPassed)/\(tier.tests) | \(String(format: "%.2f", tier.score)) / \(String(format: "%.2f", tier.threshold)) | \(dollars(tier.costUSD)) | \(ms) ms |")
            }
        }
        let estimate = report.baselineIsEstimate ? " (estimated)" : ""
        var saving = "Spent \(dollars(report.totalCostUSD)); the last tier alone: \(dollars(report.baselineCostUSD))\(estimate)"
        if let fraction = report.savedFraction { saving += String(format: ", saved %.0f%%", fraction * 100) }
        lines += ["", saving]
        if !report.tests.isEmpty {
            lines += ["", "```\(report.language)"]
            lines.append(contentsOf: report.tests)
            lines.append("```")
        }
        return lines.joined(separator: "\n")
    }

    /// Dollars with enough digits to show sub-cent amounts: `$0.00003`.
    static func dollars(_ value: Double) -> String {
        if value == 0 { return "$0" }
        if value >= 0.01 { return String(format: "$%.2f", value) }
        var digits = 2
        while digits < 10, value < pow(10, Double(-digits)) { digits += 1 }
        return String(format: "$%.\(digits)f", value)
    }
}
