import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An append-only file of JSON values, one per line: the ledger and evaluation recordings.
///
/// Each value is written as a whole line to a descriptor opened with `O_APPEND`, under an
/// exclusive `flock`, then `fsync`ed: concurrent writers never interleave inside a line. A
/// write that stops short (a full disk, a quota) is undone by truncating the file back to
/// its size before the append, so a failed append leaves no torn line; only a crash in the
/// middle of the write can, and `read` skips such a line and the next `append` starts after it.
public struct JSONLinesFile: Sendable {
    public var path: String
    /// Permissions of a newly created file.
    public var permissions: mode_t
    /// `write(2)`: tests replace it to stop a line half way, as a disk filling up does.
    /// Returns the bytes written, or -1 with `errno` set.
    var writeBytes: @Sendable (Int32, UnsafeRawBufferPointer) -> Int = { fd, bytes in write(fd, bytes.baseAddress, bytes.count) }

    public init(path: String, permissions: mode_t = 0o644) {
        self.path = path
        self.permissions = permissions
    }

    /// Why a line could not be appended, in words (the caller adds what to do).
    public struct AppendError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Appends `value` as one line, creating the file and its directory if needed.
    /// - Throws: `AppendError` naming the file and the system's reason; the file is then as it was.
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
        // Appenders take turns, so the size read here is where this line starts and a
        // failed write can be cut back to it without touching another writer's line.
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(fd, LOCK_UN) }
        var status = stat()
        let isRegularFile = fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        let sizeBefore = isRegularFile ? status.st_size : 0
        // A crash may have left a torn last line: start on a fresh line so this one stays readable.
        if sizeBefore > 0 {
            var last: UInt8 = 0
            let readFD = open(path, O_RDONLY | O_CLOEXEC)
            if readFD >= 0 {
                if pread(readFD, &last, 1, sizeBefore - 1) == 1, last != UInt8(ascii: "\n") { line.insert(UInt8(ascii: "\n"), at: 0) }
                close(readFD)
            }
        }
        var written = 0
        let failure: Int32? = line.withUnsafeBytes { bytes -> Int32? in
            while written < bytes.count {
                let count = writeBytes(fd, UnsafeRawBufferPointer(rebasing: bytes[written...]))
                if count < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    return code
                }
                // write(2) returns 0 for a non-empty buffer only when nothing more fits.
                if count == 0 { return ENOSPC }
                written += count
            }
            return nil
        }
        if let failure {
            let undone = written > 0 && isRegularFile && ftruncate(fd, sizeBefore) == 0
            let partial = written == 0 ? "" : undone ? " (the partial line was removed)" : " (\(written) of \(line.count) bytes were written)"
            throw AppendError(description: "cannot append to \(path): \(String(cString: strerror(failure)))\(partial)")
        }
        if fsync(fd) != 0 {
            let code = errno
            // EINVAL/EROFS: the file cannot be synced (a pipe, a special file); the line is written.
            if code != EINVAL && code != EROFS {
                if isRegularFile { _ = ftruncate(fd, sizeBefore) }
                throw AppendError(description: "cannot append to \(path): \(String(cString: strerror(code))) (while flushing to disk; the line was removed)")
            }
        }
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
