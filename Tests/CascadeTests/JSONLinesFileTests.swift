import Foundation
import Testing
@testable import Cascade
#if canImport(Glibc)
import Glibc
#endif

@Suite(.timeLimit(.minutes(1)))
struct JSONLinesFileTests {
    struct Row: Codable, Equatable { var n: Int; var text: String }

    let directory = NSTemporaryDirectory() + "cascade-jsonl-\(UUID().uuidString)"
    var path: String { directory + "/rows.jsonl" }

    private func contents() -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// A `write(2)` that writes the first `limit` bytes it is given, then fails with `error`.
    private func failing(after limit: Int, error: Int32) -> @Sendable (Int32, UnsafeRawBufferPointer) -> Int {
        { fd, bytes in
            guard limit > 0 else { errno = error; return -1 }
            return write(fd, bytes.baseAddress, min(limit, bytes.count))
        }
    }

    @Test func aWriteThatStopsHalfWayLeavesNoTornLineAndSaysWhy() throws {
        let good = JSONLinesFile(path: path)
        try good.append(Row(n: 1, text: "first"))
        let before = contents()
        var full = JSONLinesFile(path: path)
        // The first write takes 10 bytes, the next one finds the disk full.
        let calls = Calls()
        full.writeBytes = { fd, bytes in
            calls.count += 1
            if calls.count == 1 { return write(fd, bytes.baseAddress, 10) }
            errno = ENOSPC
            return -1
        }
        let error = #expect(throws: JSONLinesFile.AppendError.self) { try full.append(Row(n: 2, text: String(repeating: "x", count: 100))) }
        #expect(error?.description == "cannot append to \(path): No space left on device (the partial line was removed)")
        #expect(contents() == before, "the file is as it was before the failed append")
        try good.append(Row(n: 3, text: "third"))
        let read = good.read(Row.self)
        #expect(read.values == [Row(n: 1, text: "first"), Row(n: 3, text: "third")])
        #expect(read.skippedLines == 0)
    }

    @Test func aShortWriteThatCanContinueWritesTheWholeLine() throws {
        var file = JSONLinesFile(path: path)
        file.writeBytes = { fd, bytes in write(fd, bytes.baseAddress, min(3, bytes.count)) }
        try file.append(Row(n: 1, text: "written three bytes at a time"))
        try file.append(Row(n: 2, text: "again"))
        #expect(file.read(Row.self).values == [Row(n: 1, text: "written three bytes at a time"), Row(n: 2, text: "again")])
        #expect(contents().hasSuffix("}\n"))
    }

    @Test func aWriteThatFailsAtOnceNamesTheRealReason() throws {
        var file = JSONLinesFile(path: path)
        file.writeBytes = failing(after: 0, error: EDQUOT)
        let error = #expect(throws: JSONLinesFile.AppendError.self) { try file.append(Row(n: 1, text: "x")) }
        #expect(error?.description == "cannot append to \(path): \(String(cString: strerror(EDQUOT)))")
        #expect(contents() == "")
    }

    @Test func appendingToAFullDeviceSaysNoSpaceNotSuccess() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        let error = #expect(throws: JSONLinesFile.AppendError.self) { try JSONLinesFile(path: "/dev/full").append(Row(n: 1, text: "x")) }
        #expect(error?.description == "cannot append to /dev/full: No space left on device")
        let ledger = #expect(throws: LedgerFileError.self) {
            try LedgerFile(path: "/dev/full").append(LedgerEntry(event: .cascade, time: 0, id: "r1"))
        }
        #expect(ledger?.description.contains("No space left on device") == true)
        #expect(ledger?.description.contains("Success") == false)
    }

    @Test func concurrentAppendersNeverInterleaveOrTear() async throws {
        let file = JSONLinesFile(path: path)
        let text = String(repeating: "y", count: 5000)
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<40 {
                group.addTask { try? file.append(Row(n: n, text: text)) }
            }
        }
        let read = file.read(Row.self)
        #expect(read.skippedLines == 0)
        #expect(Set(read.values.map(\.n)) == Set(0..<40))
    }
}

/// A counter the fake writer closure can change (the file's writer must be `@Sendable`).
private final class Calls: @unchecked Sendable {
    var count = 0
}
