import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An append-only file of JSON values, one per line: the ledger and evaluation recordings.
///
/// Each value is one `write(2)` of a whole line to a descriptor opened with `O_APPEND`,
/// then `fsync`: concurrent writers never interleave inside a line, and a crash leaves at
/// worst a torn last line, which `read` skips and the next `append` starts after.
public struct JSONLinesFile: Sendable {
    public var path: String
    /// Permissions of a newly created file.
    public var permissions: mode_t

    public init(path: String, permissions: mode_t = 0o644) {
        self.path = path
        self.permissions = permissions
    }

    /// Why a line could not be appended, in words (the caller adds what to do).
    public struct AppendError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Appends `value` as one line, creating the file and its directory if needed.
    public func append(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(value)
        line.append(UInt8(ascii: "\n"))
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, permissions)
        guard fd >= 0 else {
            throw AppendError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
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
            throw AppendError(description: "short write to \(path) (\(written) of \(line.count) bytes): \(String(cString: strerror(errno)))")
        }
        fsync(fd)
    }

    /// Every readable value in file order; a torn or corrupt line is skipped and counted,
    /// a missing file is empty.
    public func read<Value: Decodable>(_ type: Value.Type) -> (values: [Value], skippedLines: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([], 0) }
        let decoder = JSONDecoder()
        var values: [Value] = []
        var skipped = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if let value = try? decoder.decode(Value.self, from: Data(line)) {
                values.append(value)
            } else {
                skipped += 1
            }
        }
        return (values, skipped)
    }
}
