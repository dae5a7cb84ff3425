import Cascade
@testable import Evaluation
import Foundation
import Testing

/// The committed recording of the local default (Qwen2.5-Coder 0.5B → 1.5B) on HumanEval,
/// replayed with no model and no sandbox: it must give exactly the committed summary and
/// report, which are the tables and plots in the README.
@Suite struct CommittedRecordingTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Recordings/humaneval-local").path

    let config: CascadeConfig
    let problems: [Problem]
    let store: RecordStore

    init() throws {
        config = try ConfigLoader.load(path: Self.directory + "/config.json")
        let set = try ProblemSet.load(path: Self.directory + "/problems.jsonl")
        #expect(set.malformedLines.isEmpty)
        problems = set.problems
        store = try RecordStore(directory: Self.directory, writable: false)
    }

    func runner(languages: LanguageRegistry = .standard) -> EvaluationRunner {
        .replaying(store, config: config, languages: languages)
    }

    func committed(_ name: String) throws -> String {
        try String(contentsOfFile: Self.directory + "/" + name, encoding: .utf8)
    }

    @Test func theCommittedRecordingReplaysToTheREADMETable() async throws {
        let summary = try await runner().run(problems: problems)
        let expected = try JSONDecoder().decode(EvaluationSummary.self, from: Data(try committed("summary.json").utf8))
        #expect(summary == expected)
    }

    /// The default `cascade setup` writes, replayed from the same recording: the README's
    /// first table. (report.md and the plots replay every policy, over a minute even in a
    /// release build, so CI checks them with the release binary: `.ci/run`.)
    @Test func theShippedDefaultReplaysToTheREADMETable() async throws {
        let shipped = try ConfigLoader.load(path: Self.directory + "/shipped-config.json")
        #expect(shipped == LocalModelDefaults.config, "shipped-config.json is what `cascade setup` writes")
        let summary = try await EvaluationRunner.replaying(store, config: shipped).run(problems: problems)
        let expected = try JSONDecoder().decode(EvaluationSummary.self, from: Data(try committed("summary-shipped.json").utf8))
        #expect(summary == expected)
    }
}
