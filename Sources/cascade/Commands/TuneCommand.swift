import Cascade
import Evaluation
import Foundation

/// `cascade tune --replay DIR [--budget USD] [--out FILE] [--config FILE] [--problems FILE] [--seed N]`
///
/// The paper's budget heuristic over a recording: every (k, l) per tier up to the
/// recorded ones and every θ, in both sampling modes; shown on a seeded 30% validation
/// split judged on the rest, then checked by 5-fold cross-validation (the folds printed);
/// the config written is the rule's choice on every problem.
enum TuneCommand {
    static let spec = CommandSpec(
        name: "tune", summary: "choose k, l and θ per tier, and the sampling mode, from a recording",
        details: """
        The most accurate policy costing at most --budget per problem, shown on a seeded 30% validation
        split judged on the rest and checked by 5-fold cross-validation; the config written is the
        rule's choice on every problem. No model runs.
        """,
        options: [
            .valued("replay", "DIR", "the recording (`cascade eval --record DIR`); required"),
            .valued("budget", "USD", "the most a policy may cost per problem, in US dollars"),
            .valued("out", "FILE", "where to write the chosen config (default \(TuneCommand.defaultOutput))"),
            .valued("config", "FILE", "the configuration to tune (default: the recording's)"),
            .valued("problems", "FILE", "only these problems of the recording"),
            .valued("seed", "N", "the seed of the validation split and the folds"),
        ],
        run: run)

    static let defaultOutput = "cascade-tuned.json"

    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, spec: spec)
        // Every option is checked before the (long) replay starts.
        let budget = try parsed.number("budget")
        if let budget, budget < 0 {
            throw CLIError.usage("--budget is US dollars per problem and cannot be negative (got \(budget)); give 0 or more")
        }
        let seed = try parsed.wholeNumber("seed").map(UInt64.init) ?? Tuner.defaultSeed
        guard let directory = parsed.options["replay"] else {
            throw CLIError.usage("`cascade tune` needs --replay DIR: a recording made by `cascade eval --record DIR` with the largest k and l")
        }
        let recording = try RecordingOptions(record: nil, replay: directory)
        let runtime = try recording.runtime(configPath: parsed.options["config"])
        let problems = try await EvalCommand.loadProblems(parsed, recording: recording)
        for line in problems.malformedLines { ProcessEnvironment.log("cascade tune: \(line)") }
        guard problems.problems.count >= 2 else {
            throw CLIError.usage("tuning needs at least 2 recorded problems (one to choose on, one to judge on); \(directory) has \(problems.problems.count)")
        }

        let tuning = try await TuningRun.make(
            runtime: runtime, recording: recording, problems: problems.problems, seed: seed, command: "tune")
        let result = tuning.tuner.tune(budgetUSD: budget)
        print(TuningTables.report(result, tuner: tuning.tuner, budgetUSD: budget))
        print("")
        print(TuningTables.stability(SplitStudy(tuner: tuning.tuner) { $0.tune(budgetUSD: budget) }))
        // The config written is the rule's choice on every problem; k-fold cross-validation
        // says how well that rule does on problems it did not choose on.
        let validation = CrossValidation(tuner: tuning.tuner, budgetUSD: budget)
        print("")
        print("\(validation.foldCount)-fold cross-validation (seed \(seed)):")
        print("")
        print(TuningTables.crossValidation(validation))
        guard let chosen = validation.final.chosen else {
            throw CLIError.runtime("no policy costs \(ReportFormatter.dollars(budget ?? 0)) per problem or less on the recorded problems: the cheapest costs \(ReportFormatter.dollars(validation.final.front.first?.costPerProblemUSD ?? 0)); raise --budget")
        }
        var config = chosen.policy.config(from: runtime.config)
        config.budget = runtime.config.budget
        let out = parsed.options["out"] ?? defaultOutput
        do {
            try ConfigLoader.write(config, to: out)
        } catch {
            throw CLIError.runtime("could not write the tuned config to \(out): \(error.localizedDescription)")
        }
        ProcessEnvironment.log("cascade tune: wrote \(chosen.name) to \(out); use it with --config \(out)")
        return 0
    }
}

/// A recording replayed for every chain of the tuner's grid.
///
/// A pair the recording lacks (a larger tier's solution against a smaller tier's tests
/// on a problem that never escalated, or the hidden test of a candidate no setting
/// chose) is run in the sandbox and added to the recording; no model runs.
struct TuningRun {
    let tuner: Tuner

    static func make(runtime: Runtime, recording: RecordingOptions, problems: [Problem], seed: UInt64,
                     command: String) async throws -> TuningRun {
        let writable = try RecordingOptions.fillable(recording)
        let runner = EvalCommand.evaluationRunner(
            runtime: runtime, recording: writable, command: command, sandboxFillsGaps: true,
            languages: MemoizingLanguage.standardRegistry)
        let grid = PolicyGrid(base: runtime.config)
        ProcessEnvironment.log("cascade \(command): replaying \(grid.chains.count) tier settings on \(problems.count) problems")
        let started = ContinuousClock.now
        let table: ChainTable
        do {
            table = try await ChainTable.replay(grid: grid, problems: problems, runner: runner) { done, total in
                if done % 10 == 0 || done == total { ProcessEnvironment.log("cascade \(command): \(done)/\(total) problems replayed") }
            }
        } catch let error as EvaluationError {
            throw CLIError.usage("\(error)")
        }
        ProcessEnvironment.log("cascade \(command): replayed in \(started.duration(to: .now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
        return TuningRun(tuner: Tuner(table: table, grid: grid, seed: seed))
    }
}
