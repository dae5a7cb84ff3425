import Cascade
import Foundation

/// `cascade eval --out DIR`: `report.md` (each tier alone, the cascade, the tuned cascade,
/// the oracle, and the repricing table), `pareto.svg` and `repricing.svg`.
public struct EvaluationReport: Sendable {
    public var summary: EvaluationSummary
    public var tuner: Tuner
    public var tuned: Tuner.Result
    public var repricing: [Repricing.Row]

    public init(summary: EvaluationSummary, tuner: Tuner) {
        self.summary = summary
        self.tuner = tuner
        tuned = tuner.tune(budgetUSD: nil)
        repricing = Repricing.rows(tuner: tuner)
    }

    /// Writes the three files into `directory` (created if needed); returns their paths.
    public func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = [("report.md", markdown), ("pareto.svg", paretoSVG), ("repricing.svg", repricingSVG)]
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name), options: .atomic)
        }
        return files.map { directory + "/" + $0.0 }
    }

    public var markdown: String {
        let base = tuner.table.base
        var lines = ["# Cascade evaluation", ""]
        lines.append("\(summary.problems) problems. Tiers, cheapest first:")
        lines.append("")
        for tier in base.tiers {
            lines.append(String(format: "- %@: `%@`, k=%d, l=%d, θ=%@, $%.6f / $%.6f per million input / output tokens",
                                tier.name, tier.model, tier.samples, tier.testLines, CascadePolicy.format(tier.threshold),
                                tier.price.inputPerMillion, tier.price.outputPerMillion))
        }
        lines += ["", "## Every setting on all problems", ""]
        lines.append(EvaluationTable.markdown(summary))
        lines += ["", "Answered by, as a share of problems:", ""]
        for setting in summary.settings {
            let shares = setting.answeredBy.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.0f%%", $0.key, Double($0.value) / Double(max(1, summary.problems)) * 100) }
            lines.append("- \(setting.name): " + (shares.isEmpty ? "none" : shares.joined(separator: ", ")))
        }
        lines += ["", "## What a tier's own tests say", ""]
        lines.append("Each tier alone at its recorded k and l: its score on its own tests against whether its answer passed the hidden test. θ sees only this score, so a cascade saves only where a high score means a right answer.")
        lines.append("")
        lines.append(ScoreCalibration(table: tuner.table).markdown)
        lines += ["", "## The tuned cascade", ""]
        lines.append("Chosen on a seeded validation split of \(tuned.validationCount) problems (seed \(tuner.seed)) from \(tuned.validation.count) policies: every k ≤ the recorded k and l ≤ the recorded l per tier, every θ in {\(tuner.grid.thresholds.map(CascadePolicy.format).joined(separator: ", "))}; the most accurate point of the front, the cheapest among equals. Judged on the other \(tuned.heldOutCount) problems beside the same settings:")
        lines.append("")
        lines.append(TuningTables.markdown(tuned.heldOut))
        let crossValidation = CrossValidation(tuner: tuner, budgetUSD: nil)
        lines += ["", "### Chosen by \(crossValidation.foldCount)-fold cross-validation", ""]
        lines.append("The problems shuffled (seed \(tuner.seed)) into \(crossValidation.foldCount) folds; for each, the same rule chooses on the other folds and is judged on it, so every problem is judged once by a choice made without it (what `cascade tune` writes is the rule's choice on every problem):")
        lines.append("")
        lines.append(TuningTables.crossValidation(crossValidation))
        lines += ["", "Pareto front on the validation split:", ""]
        lines.append(TuningTables.markdown(tuned.front))
        lines += ["", "![cost against accuracy of every policy](pareto.svg)", ""]
        lines += ["## Repricing", ""]
        lines.append("Token counts are recorded, so other prices give exact costs. Each row keeps the first tier's price, multiplies the last tier's by the ratio, re-tunes on the validation split for the cheapest policy at least as accurate as the largest tier alone (k and l as configured), and judges it on the held-out split.")
        lines.append("")
        lines.append("| price ratio | tuned policy | accuracy | $ per 1,000 | largest tier alone | its $ per 1,000 | saving | largest tier greedy | its $ per 1,000 | saving |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for row in repricing {
            let tuned = row.tuned
            lines.append(String(
                format: "| %@ | %@ | %@ | %@ | %.1f%% | $%.4f | %@ | %.1f%% | $%.4f | %@ |",
                row.label, tuned?.name ?? "none matched", tuned.map { String(format: "%.1f%%", $0.accuracy * 100) } ?? "–",
                tuned.map { String(format: "$%.4f", $0.costPer1000USD) } ?? "–",
                row.largest.accuracy * 100, row.largest.costPer1000USD,
                row.saving.map { String(format: "%.0f%%", $0 * 100) } ?? "–",
                row.largestGreedy.accuracy * 100, row.largestGreedy.costPer1000USD,
                row.savingAgainstGreedy.map { String(format: "%.0f%%", $0 * 100) } ?? "–"))
        }
        lines += ["", "![saving against price ratio](repricing.svg)", ""]
        lines += splitStudyMarkdown
        return lines.joined(separator: "\n")
    }

    /// The repricing table's question on many splits, and in hindsight.
    var splitStudyMarkdown: [String] {
        guard let first = repricing.first?.study else { return [] }
        var lines = ["## How far one split can be trusted", ""]
        lines.append("The choices above rest on one validation split. Here the repricing question is asked on \(first.trials.count) seeded splits (seeds \(tuner.seed)–\(tuner.seed + UInt64(max(0, first.trials.count - 1)))), each choice judged beside the largest tier alone on the same held-out problems; and once in hindsight: the cheapest policy at least as accurate on all \(tuner.table.taskIDs.count) problems as the largest tier alone, the best any choice could find.")
        lines.append("")
        lines.append("| price ratio | splits matched | choice, held out (mean) | largest tier alone (mean) | difference: mean (worst, best) | saving | as accurate and cheaper | in hindsight | its accuracy | its saving |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
        let percent = { (value: Double?) in value.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        let points = { (value: Double) in String(format: "%+.1f", value * 100) }
        for row in repricing {
            let study = row.study
            let means = study.means
            let differences = study.accuracyDifferences
            lines.append(String(
                format: "| %@ | %d/%d | %@ | %@ | %@ | %@ | %d/%d | %@ | %.1f%% | %@ |",
                row.label, study.matched.count, study.trials.count,
                means.map { String(format: "%.1f%%", $0.tunedAccuracy * 100) } ?? "–",
                means.map { String(format: "%.1f%%", $0.largestAccuracy * 100) } ?? "–",
                means.map { "\(points($0.tunedAccuracy - $0.largestAccuracy)) (\(points(differences.min()!)), \(points(differences.max()!)))" } ?? "–",
                percent(study.saving), study.wins, study.trials.count,
                study.hindsight?.name ?? "none", (study.hindsight ?? study.largestOnAll).accuracy * 100,
                percent(study.hindsightSaving)))
        }
        lines.append("")
        return lines
    }

    /// Every policy on all problems, the front, and the named settings.
    public var paretoSVG: String {
        let all = Array(tuner.table.taskIDs.indices)
        let points = tuner.grid.policies.map { tuner.table.score($0, on: all) }
        let front = Tuner.paretoFront(points)
        let named: [(String, PolicyScore, String, SVGChart.Shape)] =
            tuner.references.map { reference in
                let color = reference.name == "cascade" ? "#7c3aed" : reference.name.hasPrefix("greedy") ? "#d97706" : "#2563eb"
                return (reference.name, tuner.table.score(reference.policy, on: all), color, SVGChart.Shape.circle)
            }
            + (tuned.chosen.map { [("tuned", tuner.table.score($0.policy, on: all), "#059669", SVGChart.Shape.diamond)] } ?? [])
            + [("oracle", tuner.table.oracle(on: all), "#dc2626", .square)]
        let costs = (points + named.map(\.1)).map(\.costPer1000USD).filter { $0 > 0 }
        let low = (costs.min() ?? 0.01) / 1.3, high = (costs.max() ?? 1) * 1.3
        var chart = SVGChart(
            title: "Cost and accuracy of every policy (\(all.count) problems)",
            xLabel: "$ per 1,000 problems (input + output tokens, log scale)", yLabel: "share of problems passing the hidden test",
            xRange: low...high, yRange: 0...1,
            xTicks: Self.logTicks(low...high), yTicks: stride(from: 0.0, through: 1.0, by: 0.1).map { $0 },
            formatX: { String(format: $0 < 1 ? "$%.2g" : "$%.0f", $0) }, formatY: { String(format: "%.0f%%", $0 * 100) })
        chart.dots(points.map { ($0.costPer1000USD, $0.accuracy) }, legendText: "a policy (k, l, θ per tier)")
        chart.line(front.map { ($0.costPer1000USD, $0.accuracy) }, color: "#111827", legendText: "Pareto front")
        // Settings at the same point share one marker and one label ("tuned = greedy:small").
        var drawn: [(point: (Double, Double), names: [String], color: String, shape: SVGChart.Shape)] = []
        for (name, score, color, shape) in named {
            let point = (score.costPer1000USD, score.accuracy)
            if let same = drawn.firstIndex(where: { abs($0.point.0 - point.0) < 1e-9 && abs($0.point.1 - point.1) < 1e-9 }) {
                drawn[same].names.append(name)
            } else {
                drawn.append((point, [name], color, shape))
            }
        }
        for marker in drawn {
            chart.marker(at: marker.point, label: marker.names.joined(separator: " = "), color: marker.color, shape: marker.shape)
        }
        return chart.svg
    }

    /// The saving of the tuned cascade against the largest tier alone, by price ratio.
    public var repricingSVG: String {
        let rows = repricing.filter { $0.saving != nil }
        let savings = rows.compactMap(\.saving) + rows.compactMap(\.savingAgainstGreedy)
        let lowest = min(0, (savings.min() ?? 0) - 0.1), highest = max(1, (savings.max() ?? 0) + 0.1)
        var chart = SVGChart(
            title: "What the tuned policy saves, by price ratio (held-out problems)",
            xLabel: "price ratio, largest tier to smallest (log scale)", yLabel: "cost saved",
            xRange: 0.9...25, yRange: lowest...highest,
            xTicks: [1, 2, 5, 10, 20], yTicks: stride(from: (lowest / 0.2).rounded(.down) * 0.2, through: highest, by: 0.2).map { $0 },
            formatX: { String(format: "%g×", $0) }, formatY: { String(format: "%.0f%%", $0 * 100) })
        chart.line(rows.map { ($0.ratio, $0.saving!) }, color: "#059669",
                   legendText: "vs largest tier, self-tested", markers: true)
        chart.line(rows.compactMap { row in row.savingAgainstGreedy.map { (row.ratio, $0) } }, color: "#d97706",
                   legendText: "vs largest tier, greedy", markers: true)
        let hindsight = repricing.compactMap { row in row.study.hindsightSaving.map { (row.ratio, $0) } }
        chart.line(hindsight, color: "#7c3aed", legendText: "at equal accuracy, in hindsight", markers: true)
        chart.line([(0.9, 0), (25, 0)], color: "#9ca3af", legendText: "no saving")
        // What the saving costs in accuracy, once per run of ratios that chose alike.
        var previous: String?
        for row in rows {
            let change = String(format: "accuracy %+.1f points", (row.tuned!.accuracy - row.largest.accuracy) * 100)
            if change != previous { chart.label(change, at: (row.ratio, row.saving!), color: "#059669", below: true) }
            previous = change
        }
        for row in rows where row.label.hasPrefix("measured") {
            chart.marker(at: (row.ratio, row.saving!), label: "measured here", color: "#2563eb")
        }
        return chart.svg
    }

    static func logTicks(_ range: ClosedRange<Double>) -> [Double] {
        var ticks: [Double] = []
        var decade = pow(10, floor(log10(range.lowerBound)))
        while decade <= range.upperBound {
            for step in [1.0, 2, 5] where range.contains(decade * step) { ticks.append(decade * step) }
            decade *= 10
        }
        return ticks
    }
}
