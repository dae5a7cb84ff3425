import Cascade
import Evaluation
import Foundation

/// How long a recording takes to replay, stage by stage, with no model and no sandbox:
/// what `cascade eval --replay`, `cascade tune` and `cascade eval --out` spend their time on.
/// `--recording DIR` defaults to the committed HumanEval recording.
enum ReplayBenchmark {
    static let defaultRecording = "Tests/EvaluationTests/Recordings/humaneval-local"
    static let rounds = 3

    @Sendable
    static func run(_ arguments: [String]) async throws {
        let directory = arguments.firstIndex(of: "--recording").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
            ?? defaultRecording
        let (store, openMs) = try measure { try RecordStore(directory: directory, writable: false) }
        let config = try ConfigLoader.load(path: store.configPath)
        let problems = try ProblemSet.load(path: store.problemsPath).problems
        let counts = await store.counts
        print("replay of \(directory): \(problems.count) problems, \(config.tiers.count) tiers, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("  open the recording (\(counts.generations) answers, \(counts.outcomes) test outcomes): \(milliseconds(openMs))")

        let runner = EvaluationRunner.replaying(store, config: config)
        var summaryMs: [Double] = []
        var summary: EvaluationSummary?
        for _ in 0..<rounds {
            let started = ContinuousClock.now
            summary = try await runner.run(problems: problems)
            summaryMs.append(elapsedMs(since: started))
        }
        print("  the summary (\(runner.settings.count) settings and the oracle, `cascade eval --replay`), best of \(rounds): \(milliseconds(summaryMs.min()!))")

        let grid = PolicyGrid(base: config)
        let memoizing = EvaluationRunner.replaying(store, config: config, languages: MemoizingLanguage.standardRegistry)
        let started = ContinuousClock.now
        let table = try await ChainTable.replay(grid: grid, problems: problems, runner: memoizing)
        print("  every chain (\(grid.chains.count)) on every problem, once: \(milliseconds(elapsedMs(since: started)))")

        let tuner = Tuner(table: table, grid: grid)
        var tuneMs: [Double] = []
        for _ in 0..<rounds {
            let started = ContinuousClock.now
            _ = tuner.tune(budgetUSD: nil)
            tuneMs.append(elapsedMs(since: started))
        }
        print("  tune (\(grid.policies.count) policies on \(tuner.split.validation.count) problems), best of \(rounds): \(milliseconds(tuneMs.min()!))")

        let (report, reportMs) = measure { EvaluationReport(summary: summary!, tuner: tuner) }
        print("  the report's tuning (tune, \(report.repricing.count) price ratios, each on 20 splits), once: \(milliseconds(reportMs))")
        let (_, writeMs) = measure { (report.markdown, report.paretoSVG, report.repricingSVG) }
        print("  report.md, pareto.svg, repricing.svg, once: \(milliseconds(writeMs))")
    }

    static func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let started = ContinuousClock.now
        let value = try body()
        return (value, elapsedMs(since: started))
    }

    static func elapsedMs(since start: ContinuousClock.Instant) -> Double {
        start.duration(to: .now).milliseconds
    }

    static func milliseconds(_ value: Double) -> String {
        value >= 1000 ? String(format: "%.2f s", value / 1000) : String(format: "%.0f ms", value)
    }
}
