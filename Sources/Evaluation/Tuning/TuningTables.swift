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

    /// How the same rule fares on other splits: the lines `cascade tune` ends with.
    public static func stability(_ study: SplitStudy) -> String {
        guard let means = study.means else {
            return "On \(study.trials.count) other seeded splits the same rule chose nothing."
        }
        let differences = study.accuracyDifferences.map { $0 * 100 }
        var text = String(
            format: "How far one split can be trusted: on %d seeded splits the same rule chose a policy in %d; held out, its choices averaged %.1f%% at $%.4f per 1,000 against %.1f%% at $%.4f for the largest tier alone (%+.1f points, from %+.1f to %+.1f).",
            study.trials.count, study.matched.count, means.tunedAccuracy * 100, means.tunedCostPer1000USD,
            means.largestAccuracy * 100, means.largestCostPer1000USD,
            (means.tunedAccuracy - means.largestAccuracy) * 100, differences.min()!, differences.max()!)
        if let hindsight = study.hindsight {
            text += String(format: " With all %d problems to choose on it would pick %@: %.1f%% at $%.4f per 1,000.",
                           study.largestOnAll.problems, hindsight.name, hindsight.accuracy * 100, hindsight.costPer1000USD)
        }
        return text
    }

    /// The folds of a cross-validation, the pooled held-out result beside the largest tier
    /// alone, and the choice on every problem.
    public static func crossValidation(_ study: CrossValidation) -> String {
        var lines = [
            "| fold | chosen on the other \(study.foldCount - 1) folds | held out | accuracy | $ per 1,000 | largest tier alone | its $ per 1,000 |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for (index, fold) in study.folds.enumerated() {
            let judged = fold.heldOut
            lines.append(String(
                format: "| %d | %@ | %d | %@ | %@ | %.1f%% | $%.4f |",
                index + 1, fold.chosen?.name ?? "nothing fits", fold.largestAlone.problems,
                judged.map { String(format: "%.1f%%", $0.accuracy * 100) } ?? "–",
                judged.map { String(format: "$%.4f", $0.costPer1000USD) } ?? "–",
                fold.largestAlone.accuracy * 100, fold.largestAlone.costPer1000USD))
        }
        let pooled = study.pooled
        let alone = study.pooledLargestAlone
        lines.append(String(
            format: "| all | each problem judged once, by the choice made without it | %d | %.1f%% | $%.4f | %.1f%% | $%.4f |",
            alone.problems, pooled.accuracy * 100, pooled.costPer1000USD, alone.accuracy * 100, alone.costPer1000USD))
        lines.append("")
        if let chosen = study.final.chosen {
            lines.append(String(format: "With every problem to choose on, the rule picks %@ (%.1f%% at $%.4f per 1,000 on those same problems; the pooled held-out line above is the honest estimate).",
                                chosen.name, chosen.accuracy * 100, chosen.costPer1000USD))
        } else {
            lines.append("With every problem to choose on, nothing fits the budget.")
        }
        return lines.joined(separator: "\n")
    }

    /// Policies as a Markdown table.
    public static func markdown(_ scores: [PolicyScore]) -> String {
        var lines = [
            "| policy | accuracy | passed | examples' cases removed | $ per 1,000 | $ per 1,000 (out only) | mean latency | answered by |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for score in scores {
            lines.append(String(
                format: "| %@ | %.1f%% | %d/%d | %.1f%% (%d/%d) | $%.4f | $%.4f | %.1f s | %@ |",
                score.name, score.accuracy * 100, score.passed, score.problems,
                score.accuracyWithoutExamples * 100, score.passedWithoutExamples, score.scorableWithoutExamples, score.costPer1000USD,
                score.outputCostPerProblemUSD * 1000, score.meanLatencyMs / 1000, EvaluationTable.answered(score.answeredBy)))
        }
        return lines.joined(separator: "\n")
    }
}
