import Cascade

/// Wraps a test executor so that every (solution, test) outcome is recorded, or replayed.
///
/// Outcomes are keyed per pair, not per job, so any policy that runs a subset of the
/// recorded pairs replays exactly.
public struct RecordingExecutor: TestExecutor {
    let base: (any TestExecutor)?
    let store: RecordStore

    public init(base: (any TestExecutor)?, store: RecordStore) {
        self.base = base
        self.store = store
    }

    public func run(_ job: TestJob) async throws -> PassMatrix {
        var outcomes = Array(repeating: Array(repeating: TestOutcome.fail, count: job.tests.count), count: job.solutions.count)
        var durations = Array(repeating: Array(repeating: 0.0, count: job.tests.count), count: job.solutions.count)
        var missing: [(Int, Int)] = []
        for (a, solution) in job.solutions.enumerated() {
            for (t, test) in job.tests.enumerated() {
                if let recorded = await store.outcome(Self.key(job.language, solution, test)) {
                    outcomes[a][t] = TestOutcome(record: recorded.outcome)
                    durations[a][t] = recorded.ms
                } else {
                    missing.append((a, t))
                }
            }
        }
        let loadErrors = Array(repeating: String?.none, count: job.solutions.count)
        if missing.isEmpty {
            return PassMatrix(outcomes: outcomes, durationsMs: durations, loadErrors: loadErrors,
                              wallMs: Self.modelledWallMs(durations, parallelism: job.limits.parallelism))
        }
        guard let base else {
            throw EvaluationError.replayMissing(what: "test outcomes for \(missing.count) solution-test pairs", directory: store.directory)
        }
        // Run the whole job for real (the sandbox is fast per solution). A pair recorded
        // before, or meanwhile by a concurrent job, keeps its record: replay reads that one.
        let fresh = try await base.run(job)
        var reported = fresh
        for (a, solution) in job.solutions.enumerated() {
            for (t, test) in job.tests.enumerated() {
                let standing = try await store.recordFirst(RecordedOutcome(
                    key: Self.key(job.language, solution, test),
                    outcome: TestOutcomeRecord(fresh.outcomes[a][t]), ms: fresh.durationsMs[a][t]))
                reported.outcomes[a][t] = TestOutcome(record: standing.outcome)
                reported.durationsMs[a][t] = standing.ms
            }
        }
        // Report the same modelled wall time a replay will, so record and replay agree.
        reported.wallMs = Self.modelledWallMs(reported.durationsMs, parallelism: job.limits.parallelism)
        return reported
    }

    static func key(_ language: String, _ solution: String, _ test: String) -> String {
        StableHash.hex([language, solution, test])
    }

    /// A run's wall time as evaluation reports it, recorded or replayed: the per-pair test
    /// times spread over the workers (spawn overhead is not counted).
    static func modelledWallMs(_ durations: [[Double]], parallelism: Int) -> Double {
        durations.map { $0.reduce(0, +) }.reduce(0, +) / Double(max(1, parallelism))
    }
}

extension TestOutcomeRecord {
    init(_ outcome: TestOutcome) {
        switch outcome {
        case .pass: value = "pass"
        case .fail: value = "fail"
        case .timeout: value = "timeout"
        case .error(let type): value = "error:" + type
        }
    }
}

extension TestOutcome {
    init(record: TestOutcomeRecord) {
        switch record.value {
        case "pass": self = .pass
        case "fail": self = .fail
        case "timeout": self = .timeout
        default: self = .error(String(record.value.dropFirst("error:".count)))
        }
    }
}

extension EvaluationRunner {
    /// A runner that answers only from `store`: no model and no sandbox, so a replay is
    /// exact and a missing answer ends the run with what is missing.
    public static func replaying(_ store: RecordStore, config: CascadeConfig, languages: LanguageRegistry = .standard) -> EvaluationRunner {
        EvaluationRunner(
            config: config,
            models: RecordingModelProvider(base: nil, store: store, mode: .replay),
            executor: RecordingExecutor(base: nil, store: store),
            makeEngine: { CascadeEngine(config: $0, models: $1, executor: $2, cache: nil, languages: languages) },
            log: { _ in })
    }
}
