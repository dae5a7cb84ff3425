import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the ledger file could not be written.
public struct LedgerFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The append-only JSON-lines file that keeps spending across restarts (a `JSONLinesFile`:
/// two editors appending never interleave inside a line, a torn last line is skipped).
public struct LedgerFile: Sendable {
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// `$CASCADE_HOME/ledger.jsonl`, else `~/.cache/cascade/ledger.jsonl`.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> LedgerFile {
        let home = ConfigLoader.cascadeHome(environment: environment, homeDirectory: environment["HOME"] ?? NSHomeDirectory())
        return LedgerFile(path: home + "/ledger.jsonl")
    }

    /// Appends one entry as one line.
    /// - Throws: `LedgerFileError` saying which file and why, e.g. a read-only `$CASCADE_HOME`.
    public func append(_ entry: LedgerEntry) throws {
        do {
            try JSONLinesFile(path: path, permissions: 0o600).append(entry)
        } catch let error as JSONLinesFile.AppendError {
            throw LedgerFileError(description: "ledger: \(error); set CASCADE_HOME to a writable directory with free space")
        }
    }

    /// Every readable entry; a torn or corrupt line is skipped, a missing file is empty.
    public func read() -> (entries: [LedgerEntry], skippedLines: Int) {
        let (entries, skipped) = JSONLinesFile(path: path).read(LedgerEntry.self)
        return (entries, skipped)
    }
}
