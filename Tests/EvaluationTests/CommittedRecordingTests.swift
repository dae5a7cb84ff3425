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

    /// `cascade eval --replay DIR --out DIR`: the tuned cascade, the front and the repricing.
    @Test func theCommittedReportAndPlotsAreWhatTheRecordingGives() async throws {
        let summary = try await runner().run(problems: problems)
        let grid = PolicyGrid(base: config)
        let table = try await ChainTable.replay(grid: grid, problems: problems, runner: runner(languages: MemoizingLanguage.standardRegistry))
        let report = EvaluationReport(summary: summary, tuner: Tuner(table: table, grid: grid))
        #expect(report.markdown == (try committed("report.md")))
        #expect(report.paretoSVG == (try committed("pareto.svg")))
        #expect(report.repricingSVG == (try committed("repricing.svg")))
    }
}
