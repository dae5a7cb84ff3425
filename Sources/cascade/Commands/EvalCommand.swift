import Cascade
import Evaluation
import Foundation
import ModelClients

/// `cascade eval [--config F] (--problems F.jsonl | --dataset humaneval) [--limit N]
/// [--record DIR] [--replay DIR] [--out DIR] [--json]`
enum EvalCommand {
    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try CommandLineArguments(
            arguments, command: "eval",
            options: ["config", "problems", "dataset", "limit", "record", "replay", "out"], flags: ["json"])
        let runtime = try Runtime(configPath: parsed.options["config"])
        var problems = try await loadProblems(parsed)
        if let limit = try parsed.number("limit", command: "eval") {
            problems.problems = Array(problems.problems.prefix(max(0, Int(limit))))
        }
        for line in problems.malformedLines { ProcessEnvironment.log("cascade eval: \(line)") }

        let (models, executor) = try recording(parsed, runtime: runtime)
        let runner = EvaluationRunner(
            config: runtime.config, models: models, executor: executor,
            makeEngine: { config, models, executor in
                CascadeEngine(config: config, models: models, executor: executor, cache: nil)
            },
            log: { ProcessEnvironment.log("cascade eval: " + $0) })
        var summary = try await runner.run(problems: problems.problems)
        summary.excluded = problems.malformedLines + summary.excluded

        if parsed.flags.contains("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(EvaluationTable.markdown(summary))
        }
        if let out = parsed.options["out"] {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try EvaluationTable.markdown(summary).write(toFile: out + "/report.md", atomically: true, encoding: .utf8)
            ProcessEnvironment.log("cascade eval: wrote \(out)/report.md")
        }
        return 0
    }

    static func loadProblems(_ parsed: CommandLineArguments) async throws -> ProblemSet {
        switch (parsed.options["problems"], parsed.options["dataset"]) {
        case (let path?, nil):
            do { return try ProblemSet.load(path: path) } catch { throw CLIError.usage("\(error)") }
        case (nil, "humaneval"?):
            do { return try await HumanEvalDataset.load(venvPython: CascadeHome().venvPython) } catch { throw CLIError.runtime("\(error)") }
        case (nil, let other?):
            throw CLIError.usage("unknown dataset '\(other)': the bundled one is `--dataset humaneval`")
        default:
            throw CLIError.usage("give either --problems FILE.jsonl or --dataset humaneval")
        }
    }

    /// Every run goes through a recording: `--record DIR` keeps it, `--replay DIR` only
    /// reads it, and otherwise a temporary one still lets the settings share answers.
    static func recording(_ parsed: CommandLineArguments, runtime: Runtime) throws -> (any CodeModelProvider, any TestExecutor) {
        let store: RecordStore
        let mode: RecordingMode
        do {
            switch (parsed.options["record"], parsed.options["replay"]) {
            case (let directory?, nil):
                store = try RecordStore(directory: directory, writable: true)
                mode = .record
            case (nil, let directory?):
                store = try RecordStore(directory: directory, writable: false)
                mode = .replay
            case (nil, nil):
                store = try RecordStore(directory: NSTemporaryDirectory() + "cascade-eval-\(getpid())", writable: true)
                mode = .record
            default:
                throw CLIError.usage("--record and --replay cannot be used together")
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError.usage("\(error)")
        }
        let replaying = mode == .replay
        return (RecordingModelProvider(base: replaying ? nil : runtime.models, store: store, mode: mode),
                RecordingExecutor(base: replaying ? nil : runtime.executor, store: store))
    }
}
