import Cascade
@testable import Evaluation
import Foundation
import Testing

/// The committed recording of the local default (Qwen2.5-Coder 0.5B → 1.5B) on the first
/// HumanEval problems, replayed with no model: it must give exactly the committed summary,
/// which is the table in the README.
@Suite struct CommittedRecordingTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Recordings/humaneval-local").path

    @Test func theCommittedRecordingReplaysToTheREADMETable() async throws {
        let directory = Self.directory
        let config = try ConfigLoader.load(path: directory + "/config.json")
        let problems = try ProblemSet.load(path: directory + "/problems.jsonl")
        #expect(problems.malformedLines.isEmpty)
        let store = try RecordStore(directory: directory, writable: false)
        let summary = try await EvaluationRunner(
            config: config,
            models: RecordingModelProvider(base: nil, store: store, mode: .replay),
            executor: RecordingExecutor(base: nil, store: store),
            makeEngine: { CascadeEngine(config: $0, models: $1, executor: $2, cache: nil) },
            log: { _ in }
        ).run(problems: problems.problems)
        let expected = try JSONDecoder().decode(
            EvaluationSummary.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/summary.json")))
        #expect(summary == expected)
    }
}
