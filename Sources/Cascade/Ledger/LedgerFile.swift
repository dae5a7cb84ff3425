import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the ledger file could not be written.
public struct LedgerFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The append-only JSON-lines file that keeps spending across restarts.
///
/// Each entry is one `write(2)` of a whole line to a descriptor opened with `O_APPEND`,
/// then `fsync`: concurrent writers (two editors) never interleave inside a line, and a
/// crash leaves at worst a torn last line, which `read` skips.
public struct LedgerFile: Sendable {
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// `$CASCADE_HOME/ledger.jsonl`, else `~/.cache/cascade/ledger.jsonl`.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> LedgerFile {
        let home = environment["CASCADE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.cache/cascade")
        return LedgerFile(path: home + "/ledger.jsonl")
    }

    /// Appends one entry as one line.
    /// - Throws: `LedgerFileError` saying which file and why, e.g. a read-only `$CASCADE_HOME`.
    public func append(_ entry: LedgerEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(entry)
        line.append(UInt8(ascii: "\n"))
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LedgerFileError(description: "cannot open ledger \(path): \(String(cString: strerror(errno))); set CASCADE_HOME to a writable directory")
        }
        defer { close(fd) }
        // A crash may have left a torn last line: start on a fresh line so this one stays readable.
        var status = stat()
        if fstat(fd, &status) == 0, status.st_size > 0 {
            var last: UInt8 = 0
            let readFD = open(path, O_RDONLY | O_CLOEXEC)
            if readFD >= 0 {
                if pread(readFD, &last, 1, status.st_size - 1) == 1, last != UInt8(ascii: "\n") { line.insert(UInt8(ascii: "\n"), at: 0) }
                close(readFD)
            }
        }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw LedgerFileError(description: "short write to ledger \(path) (\(written) of \(line.count) bytes): \(String(cString: strerror(errno))); check free disk space")
        }
        fsync(fd)
    }

    /// Every readable entry; a torn or corrupt line is skipped, a missing file is empty.
    public func read() -> (entries: [LedgerEntry], skippedLines: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], 0) }
        let decoder = JSONDecoder()
        var entries: [LedgerEntry] = []
        var skipped = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if let entry = try? decoder.decode(LedgerEntry.self, from: Data(line)) {
                entries.append(entry)
            } else {
                skipped += 1
            }
        }
        return (entries, skipped)
    }
}
