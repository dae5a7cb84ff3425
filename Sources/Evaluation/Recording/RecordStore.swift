import Cascade
import Foundation

/// One recorded model answer.
public struct RecordedGeneration: Sendable, Codable, Equatable {
    public var key: String
    public var tier: String
    public var texts: [String]
    public var promptTokens: Int
    public var completionTokens: Int
    public var usageEstimated: Bool
    public var latencyMs: Int
    /// Per answer, for answers asked for one at a time (sequential sampling), so each is
    /// priced exactly; nil for a batch asked for in one request, whose totals are shared out
    /// by `answer(at:)`.
    public var promptTokensPerText: [Int]?
    public var completionTokensPerText: [Int]?
    public var latencyMsPerText: [Int]?
}

extension RecordedGeneration {
    /// Answer `index` alone, with its own tokens and time: exact when recorded one at a
    /// time; for a batch, the prompt tokens split evenly (every answer had the same prompt)
    /// and the output tokens and time shared by the answer's length in bytes, then
    /// marked as estimated.
    public func answer(at index: Int) -> GenerationResult {
        let shares = perText()
        return GenerationResult(
            texts: [texts[index]], promptTokens: shares.prompt[index], completionTokens: shares.completion[index],
            usageEstimated: usageEstimated || shares.estimated, latencyMs: shares.latency[index])
    }

    /// This record with `answer` appended as its next answer (the per-answer figures of an
    /// earlier batch are shared out first, so the totals stay the sums).
    func appending(_ answer: GenerationResult) -> RecordedGeneration {
        let shares = perText()
        var next = self
        next.texts += answer.texts.prefix(1)
        next.promptTokens += answer.promptTokens
        next.completionTokens += answer.completionTokens
        next.latencyMs += answer.latencyMs
        next.usageEstimated = usageEstimated || answer.usageEstimated
        next.promptTokensPerText = shares.prompt + [answer.promptTokens]
        next.completionTokensPerText = shares.completion + [answer.completionTokens]
        next.latencyMsPerText = shares.latency + [answer.latencyMs]
        return next
    }

    private func perText() -> (prompt: [Int], completion: [Int], latency: [Int], estimated: Bool) {
        if let prompt = promptTokensPerText, let completion = completionTokensPerText, let latency = latencyMsPerText,
           prompt.count == texts.count, completion.count == texts.count, latency.count == texts.count {
            return (prompt, completion, latency, false)
        }
        let even = texts.map { _ in 1.0 }
        let lengths = texts.map { Double(max(1, $0.utf8.count)) }
        return (Self.share(promptTokens, by: even), Self.share(completionTokens, by: lengths),
                Self.share(latencyMs, by: lengths), texts.count > 1)
    }

    /// `total` split in proportion to `weights`, in whole numbers that add up to `total`.
    static func share(_ total: Int, by weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
        var shares: [Int] = []
        var running = 0.0
        var given = 0
        for weight in weights {
            running += weight
            let upTo = Int((Double(total) * running / sum).rounded())
            shares.append(upTo - given)
            given = upTo
        }
        return shares
    }
}

/// One recorded test outcome: a solution run against a test.
public struct RecordedOutcome: Sendable, Codable, Equatable {
    public var key: String
    public var outcome: TestOutcomeRecord
    public var ms: Double
}

/// `TestOutcome` in a compact, stable JSON shape (`"pass"`, `"fail"`, `"timeout"`, `"error:NameError"`).
public struct TestOutcomeRecord: Sendable, Codable, Equatable {
    public var value: String
}

/// Model answers and test outcomes on disk, as two append-only JSONL files.
///
/// Both are `JSONLinesFile`s, so an interrupted run leaves at most a torn last line,
/// which loading skips and the next record starts after: recording resumes where it stopped.
public actor RecordStore {
    public nonisolated let directory: String
    private var generations: [String: RecordedGeneration] = [:]
    private var outcomes: [String: RecordedOutcome] = [:]
    private var finishedTaskIDs: Set<String> = []
    private let writable: Bool

    static let generationsFile = "generations.jsonl"
    static let outcomesFile = "outcomes.jsonl"
    /// The problems the recording covers completely, in the order they finished.
    public static let problemsFile = "problems.jsonl"
    /// The configuration the recording was made with.
    public static let configFile = "config.json"

    public nonisolated var problemsPath: String { directory + "/" + Self.problemsFile }
    public nonisolated var configPath: String { directory + "/" + Self.configFile }

    /// Opens (and with `writable`, creates) a recording directory.
    public init(directory: String, writable: Bool) throws {
        self.directory = directory
        self.writable = writable
        if writable {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } else if !FileManager.default.fileExists(atPath: directory) {
            throw EvaluationError.recordingNotFound(directory: directory)
        }
        generations = Self.load(RecordedGeneration.self, path: directory + "/" + Self.generationsFile)
        outcomes = Self.load(RecordedOutcome.self, path: directory + "/" + Self.outcomesFile)
        finishedTaskIDs = Set(JSONLinesFile(path: directory + "/" + Self.problemsFile).read(Problem.self).values.map(\.taskID))
    }

    public var counts: (generations: Int, outcomes: Int) { (generations.count, outcomes.count) }

    public func generation(_ key: String) -> RecordedGeneration? { generations[key] }
    public func outcome(_ key: String) -> RecordedOutcome? { outcomes[key] }

    public func record(_ generation: RecordedGeneration) throws {
        generations[generation.key] = generation
        try append(generation, to: Self.generationsFile)
    }

    public func record(_ outcome: RecordedOutcome) throws {
        outcomes[outcome.key] = outcome
        try append(outcome, to: Self.outcomesFile)
    }

    /// Records `answer` as answer `index` of the request `key` unless the recording already
    /// holds that answer, and returns the record that stands. Answers asked for one at a
    /// time arrive in order; one that would leave a gap is not recorded (the caller then
    /// uses the answer as it came).
    public func recordAnswer(_ answer: GenerationResult, index: Int, key: String, tier: String) throws -> RecordedGeneration {
        let standing = generations[key] ?? RecordedGeneration(
            key: key, tier: tier, texts: [], promptTokens: 0, completionTokens: 0, usageEstimated: false, latencyMs: 0,
            promptTokensPerText: [], completionTokensPerText: [], latencyMsPerText: [])
        guard standing.texts.count == index else { return standing }
        let next = standing.appending(answer)
        try record(next)
        return next
    }

    /// Records `outcome` unless its pair already has one, and returns the one that stands,
    /// so concurrent jobs sharing a pair all report what a replay will read.
    public func recordFirst(_ outcome: RecordedOutcome) throws -> RecordedOutcome {
        if let standing = outcomes[outcome.key] { return standing }
        try record(outcome)
        return outcome
    }

    /// Notes that every setting has run on `problem`, once.
    public func recordFinished(_ problem: Problem) throws {
        guard writable, !finishedTaskIDs.contains(problem.taskID) else { return }
        finishedTaskIDs.insert(problem.taskID)
        try append(problem, to: Self.problemsFile)
    }

    /// Keeps the configuration beside the answers (the first one written stays).
    public func recordConfig(_ config: CascadeConfig) throws {
        guard writable, !FileManager.default.fileExists(atPath: configPath) else { return }
        try ConfigLoader.write(config, to: configPath)
    }

    private func append(_ value: some Encodable, to file: String) throws {
        guard writable else { return }
        try JSONLinesFile(path: directory + "/" + file).append(value)
    }

    /// Reads a JSONL file; later lines win; a torn or invalid line is skipped.
    private static func load<T: Decodable & Keyed>(_ type: T.Type, path: String) -> [String: T] {
        let values = JSONLinesFile(path: path).read(T.self).values
        return Dictionary(values.map { ($0.key, $0) }, uniquingKeysWith: { _, later in later })
    }
}

protocol Keyed { var key: String { get } }
extension RecordedGeneration: Keyed {}
extension RecordedOutcome: Keyed {}
