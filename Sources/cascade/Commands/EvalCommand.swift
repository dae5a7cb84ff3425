import Cascade
import Evaluation
import Foundation
import ModelClients

/// `cascade eval [--config F] (--problems F.jsonl | --dataset humaneval) [--limit N]
/// [--record DIR] [--replay DIR] [--out DIR] [--json]`
enum EvalCommand {
    static let spec = CommandSpec(
        name: "eval", summary: "measure the cascade, each tier alone and greedy on HumanEval-format problems",
        details: """
        Every answer is checked against the problem's hidden test in the sandbox. --replay DIR alone
        uses the recording's config and problems and needs no model.
        """,
        options: [
            .valued("config", "FILE", "the configuration (with --replay: other prices, say)"),
            .valued("problems", "FILE", "problems as JSON lines (HumanEval's format)"),
            .valued("dataset", "NAME", "a bundled problem set: humaneval"),
            .valued("limit", "N", "only the first N problems"),
            .valued("record", "DIR", "keep every model answer and test outcome in DIR (resumable)"),
            .valued("replay", "DIR", "answer from a recording: no model, no sandbox"),
            .valued("out", "DIR", "write report.md, pareto.svg and repricing.svg into DIR"),
            .flag("json", "print the summary as JSON"),
        ],
        run: run)

    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, spec: spec)
        let recording = try RecordingOptions(record: parsed.options["record"], replay: parsed.options["replay"])
        let runtime = try recording.runtime(configPath: parsed.options["config"])
        var problems = try await loadProblems(parsed, recording: recording)
        if let limit = try parsed.wholeNumber("limit") {
            problems.problems = Array(problems.problems.prefix(limit))
        }
        for line in problems.malformedLines { ProcessEnvironment.log("cascade eval: \(line)") }

        let runner = evaluationRunner(runtime: runtime, recording: recording, command: "eval")
        if recording.mode == .record {
            try await recording.store.recordConfig(runtime.config)
        }
        var summary: EvaluationSummary
        do {
            summary = try await runner.run(problems: problems.problems)
        } catch let error as EvaluationError {
            throw CLIError.usage("\(error)")
        }
        summary.excluded = problems.malformedLines + summary.excluded

        if parsed.flags.contains("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(EvaluationTable.markdown(summary))
        }
        if let out = parsed.options["out"] {
            // The tuned cascade comes from the same recording: tuning replays it (no model).
            let tuning = try await TuningRun.make(
                runtime: runtime, recording: recording, problems: problems.problems, seed: Tuner.defaultSeed, command: "eval")
            let report = EvaluationReport(summary: summary, tuner: tuning.tuner)
            do {
                for path in try report.write(to: out) { ProcessEnvironment.log("cascade eval: wrote \(path)") }
            } catch {
                throw CLIError.runtime("could not write the report to \(out): \(error.localizedDescription)")
            }
        }
        return 0
    }

    static func loadProblems(_ parsed: CommandLineArguments, recording: RecordingOptions) async throws -> ProblemSet {
        switch (parsed.options["problems"], parsed.options["dataset"]) {
        case (let path?, nil):
            do { return try ProblemSet.load(path: path) } catch { throw CLIError.usage("\(error)") }
        case (nil, "humaneval"?):
            do { return try await HumanEvalDataset.load(venvPython: CascadeHome().venvPython) } catch { throw CLIError.runtime("\(error)") }
        case (nil, let other?):
            throw CLIError.usage("unknown dataset '\(other)': the bundled one is `--dataset humaneval`")
        default:
            if let recorded = try recording.recordedProblems() { return recorded }
            throw CLIError.usage("give either --problems FILE.jsonl or --dataset humaneval")
        }
    }

    /// A runner whose models and sandbox go through the recording: `--record` keeps what
    /// they answer, `--replay` answers only from it (no model, no sandbox), and a plain run
    /// records to a temporary directory so the settings still share answers.
    static func evaluationRunner(runtime: Runtime, recording: RecordingOptions, command: String,
                                 sandboxFillsGaps: Bool = false, languages: LanguageRegistry = .standard) -> EvaluationRunner {
        let replaying = recording.mode == .replay
        // Whole answers, not streams: llama-cpp-python counts tokens exactly only for those,
        // and nothing here is cancelled half-way.
        let live = ModelProvider(localServers: runtime.models.localServers, environment: runtime.models.environment,
                                 retry: runtime.models.retry, streams: false)
        let models = RecordingModelProvider(base: replaying ? nil : live, store: recording.store, mode: recording.mode)
        let executor = RecordingExecutor(base: replaying && !sandboxFillsGaps ? nil : runtime.executor, store: recording.store)
        var runner = EvaluationRunner(
            config: runtime.config, models: models, executor: executor,
            makeEngine: { config, models, executor in
                CascadeEngine(config: config, models: models, executor: executor, cache: nil, languages: languages)
            },
            log: { ProcessEnvironment.log("cascade \(command): " + $0) })
        let store = recording.store
        if recording.mode == .record {
            runner.finished = { try await store.recordFinished($0) }
        }
        return runner
    }
}
