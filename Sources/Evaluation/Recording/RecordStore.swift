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
