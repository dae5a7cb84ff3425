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
/// Every record is one `write(2)` of a whole line with `O_APPEND`, so an interrupted
/// run leaves at most a torn last line, which loading skips: recording resumes where
/// it stopped.
public actor RecordStore {
    public let directory: String
    private var generations: [String: RecordedGeneration] = [:]
    private var outcomes: [String: RecordedOutcome] = [:]
    private let writable: Bool

    static let generationsFile = "generations.jsonl"
    static let outcomesFile = "outcomes.jsonl"

    /// Opens (and with `writable`, creates) a recording directory.
    public init(directory: String, writable: Bool) throws {
        self.directory = directory
        self.writable = writable
        if writable {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } else if !FileManager.default.fileExists(atPath: directory) {
            throw EvaluationError.replayMissing(what: "recording", directory: directory)
        }
        generations = Self.load(RecordedGeneration.self, path: directory + "/" + Self.generationsFile)
        outcomes = Self.load(RecordedOutcome.self, path: directory + "/" + Self.outcomesFile)
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

    private func append(_ value: some Encodable, to file: String) throws {
        guard writable else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(value)
        line.append(0x0A)
        try AtomicAppend.appendLine(line, toFile: directory + "/" + file)
    }

    /// Reads a JSONL file; later lines win; a torn or invalid line is skipped.
    private static func load<T: Decodable & Keyed>(_ type: T.Type, path: String) -> [String: T] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var result: [String: T] = [:]
        let decoder = JSONDecoder()
        for line in data.split(separator: 0x0A) {
            if let value = try? decoder.decode(T.self, from: Data(line)) {
                result[value.key] = value
            }
        }
        return result
    }
}

protocol Keyed { var key: String { get } }
extension RecordedGeneration: Keyed {}
extension RecordedOutcome: Keyed {}

/// Appends whole lines so that concurrent or interrupted writers never interleave.
enum AtomicAppend {
    static func appendLine(_ line: Data, toFile path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: path]) }
    }
}
