import Foundation

/// What `cascade tune` prints: the validation front, the choice, and the held-out check.
public enum TuningTables {
    public static func report(_ result: Tuner.Result, tuner: Tuner, budgetUSD: Double?) -> String {
        var lines: [String] = []
        lines.append("Pareto front on the validation split (\(result.validationCount) problems, seed \(tuner.seed); \(result.validation.count) policies replayed):")
        lines.append("")
        lines.append(markdown(result.front))
        lines.append("")
        let rule = budgetUSD.map { String(format: "the most accurate at or under $%.6f per problem", $0) }
            ?? "the most accurate (no --budget)"
        lines.append("Chosen, \(rule): " + (result.chosen?.name ?? "nothing fits"))
        lines.append("")
        lines.append("On the held-out split (\(result.heldOutCount) problems):")
        lines.append("")
        lines.append(markdown(result.heldOut))
        return lines.joined(separator: "\n")
    }

    /// Policies as a Markdown table.
    public static func markdown(_ scores: [PolicyScore]) -> String {
        var lines = [
            "| policy | accuracy | passed | $ per 1,000 | $ per 1,000 (out only) | mean latency | answered by |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for score in scores {
            lines.append(String(
                format: "| %@ | %.1f%% | %d/%d | $%.4f | $%.4f | %.1f s | %@ |",
                score.name, score.accuracy * 100, score.passed, score.problems, score.costPer1000USD,
                score.outputCostPerProblemUSD * 1000, score.meanLatencyMs / 1000, EvaluationTable.answered(score.answeredBy)))
        }
        return lines.joined(separator: "\n")
    }
}
