import Cascade
@testable import Evaluation
import Foundation
import Testing

/// A model that writes a right `add` at the "large" tier and a wrong one at "small", with
/// asserts on `add`, and reports a fixed latency per call.
private struct ScriptedCoder: CodeModel {
    let right: Bool
    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let asksForTests = (request.prompt.messages.last?.content ?? request.prompt.text).contains("assert")
        // Answers of a sequence differ (a comment with their position), and so do their times.
        let position = request.sampleIndex.map { request.temperature == 0 ? 0 : $0 + 1 } ?? 0
        let text = asksForTests
            ? "```python\nassert add(1, 2) == 3\nassert add(2, 2) == 4\n```"
            : "```python\ndef add(a, b):\n    return a \(right ? "+" : "-") b  # \(position)\n```"
        let count = max(1, request.samples)
        return GenerationResult(texts: Array(repeating: text, count: count), promptTokens: 100 * count,
                                completionTokens: (20 + position) * count, latencyMs: (right ? 900 : 300) + position)
    }
}

private struct ScriptedProvider: CodeModelProvider {
    func model(for tier: TierConfig) async throws -> any CodeModel { ScriptedCoder(right: tier.name == "large") }
}

/// Passes a test exactly when the program adds (checks the source, runs nothing).
private struct SourceJudge: TestExecutor {
    func run(_ job: TestJob) async throws -> PassMatrix {
        let outcomes = job.solutions.map { program in
            job.tests.map { _ in program.contains("return a + b") ? TestOutcome.pass : .fail }
        }
        return PassMatrix(outcomes: outcomes, durationsMs: outcomes.map { $0.map { _ in 2 } },
                          loadErrors: job.solutions.map { _ in nil }, wallMs: 7)
    }
}

@Suite struct ReplayReproducesTests {
    static func config(_ sampling: SamplingMode) -> CascadeConfig {
        CascadeConfig(tiers: [
            TierConfig(name: "small", endpoint: "http://127.0.0.1:1/v1", model: "s", price: Price(inputPerMillion: 1, outputPerMillion: 2), samples: 3, testLines: 2),
            TierConfig(name: "large", endpoint: "http://127.0.0.1:2/v1", model: "l", price: Price(inputPerMillion: 5, outputPerMillion: 10), samples: 2, testLines: 2),
        ], sampling: sampling)
    }
    let problem = Problem(
        taskID: "t/0", prompt: "def add(a, b):\n    \"\"\"Return a + b.\n\n    >>> add(1, 2)\n    3\n    \"\"\"\n", entryPoint: "add",
        test: "def check(candidate):\n    assert candidate(1, 2) == 3\n")

    func evaluate(_ sampling: SamplingMode, models: any CodeModelProvider, executor: any TestExecutor) async throws -> EvaluationSummary {
        try await EvaluationRunner(
            config: Self.config(sampling), models: models, executor: executor,
            makeEngine: { CascadeEngine(config: $0, models: $1, executor: $2, cache: nil) },
            log: { _ in }
        ).run(problems: [problem])
    }

    @Test(arguments: [SamplingMode.sequential, .batch])
    func aReplayGivesTheRecordedSummaryExactlyWithNoModel(sampling: SamplingMode) async throws {
        let directory = NSTemporaryDirectory() + "cascade-replay-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recordStore = try RecordStore(directory: directory, writable: true)
        let recorded = try await evaluate(
            sampling, models: RecordingModelProvider(base: ScriptedProvider(), store: recordStore, mode: .record),
            executor: RecordingExecutor(base: SourceJudge(), store: recordStore))
        let replayStore = try RecordStore(directory: directory, writable: false)
        let replayed = try await evaluate(
            sampling, models: RecordingModelProvider(base: nil, store: replayStore, mode: .replay),
            executor: RecordingExecutor(base: nil, store: replayStore))
        #expect(replayed == recorded)
        let cascade = try #require(recorded.settings.first { $0.name == "cascade" })
        #expect(cascade.accuracy == 1)
        #expect(cascade.answeredBy == ["large": 1], "the small tier's wrong adds fail its own tests, so it escalates")
        #expect(cascade.meanLatencyMs > 1_000, "latency comes from the models' reported times, so it replays too")
    }
}

/// Gives every run a new duration and flips its verdict, as a flaky or busy sandbox would.
private actor ChangingJudge: TestExecutor {
    private var runs = 0

    func run(_ job: TestJob) async throws -> PassMatrix {
        runs += 1
        let outcome: TestOutcome = runs % 2 == 1 ? .pass : .fail
        return PassMatrix(outcomes: job.solutions.map { _ in job.tests.map { _ in outcome } },
                          durationsMs: job.solutions.map { _ in job.tests.map { _ in Double(runs) } },
                          loadErrors: job.solutions.map { _ in nil }, wallMs: 1)
    }
}

@Suite struct RecordingExecutorTests {
    /// Without this, a job overlapping an earlier one re-recorded the shared pairs with its
    /// own fresh times, so the earlier job's live numbers and its replay disagreed.
    @Test func aPairRecordedBeforeKeepsItsRecordAndIsNotWrittenTwice() async throws {
        let directory = NSTemporaryDirectory() + "cascade-pairs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try RecordStore(directory: directory, writable: true)
        let executor = RecordingExecutor(base: ChangingJudge(), store: store)
        let first = try await executor.run(TestJob(language: "python", solutions: ["a"], tests: ["t"], limits: ExecutionConfig()))
        let second = try await executor.run(TestJob(language: "python", solutions: ["a", "b"], tests: ["t"], limits: ExecutionConfig()))
        #expect(first.outcomes == [[.pass]] && first.durationsMs == [[1]])
        #expect(second.outcomes == [[.pass], [.fail]], "the shared pair keeps its recorded verdict; the new one is fresh")
        #expect(second.durationsMs == [[1], [2]])

        let lines = try String(contentsOfFile: directory + "/outcomes.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "each pair once")
        let replayed = try await RecordingExecutor(base: nil, store: RecordStore(directory: directory, writable: false))
            .run(TestJob(language: "python", solutions: ["a", "b"], tests: ["t"], limits: ExecutionConfig()))
        #expect(replayed.outcomes == second.outcomes && replayed.durationsMs == second.durationsMs && replayed.wallMs == second.wallMs)
    }
}
