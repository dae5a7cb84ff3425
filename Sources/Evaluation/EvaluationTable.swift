import Foundation

/// The evaluation summary as a Markdown table, for the terminal and `report.md`.
public enum EvaluationTable {
    public static func markdown(_ summary: EvaluationSummary) -> String {
        var lines = [
            "| setting | accuracy | passed | examples' cases removed | passed | cost (in+out) | cost (out only) | $ per 1,000 | mean latency | answered by |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for setting in summary.settings {
            let without = setting.accuracyWithoutExamples.map { String(format: "%.1f%%", $0 * 100) } ?? "–"
            let withoutPassed = setting.scorableWithoutExamples.map { "\(setting.passedWithoutExamples ?? 0)/\($0)" } ?? "–"
            lines.append(String(
                format: "| %@ | %.1f%% | %d/%d | %@ | %@ | $%.6f | $%.6f | $%.4f | %.1f s | %@ |",
                setting.name, setting.accuracy * 100, setting.passed, summary.problems, without, withoutPassed, setting.costUSD,
                setting.outputCostUSD, setting.costPer1000USD, setting.meanLatencyMs / 1000, answered(setting.answeredBy)))
        }
        if !summary.excluded.isEmpty {
            lines.append("")
            lines.append("Excluded: " + summary.excluded.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }

    /// `medium 3, small 8`: problems per answering tier, by tier name.
    static func answered(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
