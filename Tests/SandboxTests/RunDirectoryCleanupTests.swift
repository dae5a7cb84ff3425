import Cascade
import Foundation
import Glibc
@testable import Sandbox
import Testing

/// What a candidate leaves in its run directory must go, and cleaning it up must never
/// reach through a link: a directory symlink to a host directory next to a tree too deep
/// for path-based deletion (and directories it made unreadable) once made cleanup chmod the
/// host directory through the link and leave the run directory behind.
extension SandboxSuite {
@Suite("Run directory cleanup")
struct RunDirectoryCleanupTests {
    /// A host directory with an unusual mode and a file, standing for anything outside.
    struct Victim {
        let path = NSTemporaryDirectory() + "cascade-victim-\(UUID().uuidString)"
        static let mode: mode_t = 0o751

        init() throws {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try "precious".write(toFile: path + "/keep.txt", atomically: false, encoding: .utf8)
            try #require(chmod(path, Self.mode) == 0)
        }

        func expectUntouched(sourceLocation: SourceLocation = #_sourceLocation) {
            var status = stat()
            #expect(stat(path, &status) == 0, sourceLocation: sourceLocation)
            #expect(status.st_mode & 0o7777 == Self.mode, "the host directory's mode changed", sourceLocation: sourceLocation)
            #expect((try? String(contentsOfFile: path + "/keep.txt", encoding: .utf8)) == "precious", sourceLocation: sourceLocation)
        }

        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    /// 300 directories of 200-byte names: a path of 60 KB, far past PATH_MAX.
    static let depth = 300
    static let segment = String(repeating: "d", count: 200)

    @Test("a symlink to a host directory, links inside a tree deeper than PATH_MAX and unreadable directories: the host directory keeps its mode and contents, the run directory is gone")
    func linkAndDeepTree() throws {
        let victim = try Victim()
        defer { victim.remove() }
        let directory = try RunDirectory.create()
        let top = open(directory.path, O_RDONLY | O_DIRECTORY)
        try #require(top >= 0)
        #expect(symlinkat(victim.path, top, "link") == 0)
        #expect(symlinkat(victim.path + "/keep.txt", top, "file-link") == 0)
        var current = dup(top)
        for level in 0..<Self.depth {
            #expect(mkdirat(current, Self.segment, 0o700) == 0)
            let next = openat(current, Self.segment, O_RDONLY | O_DIRECTORY)
            if level % 50 == 0 {
                _ = symlinkat(victim.path, next, "link")
                _ = mkdirat(next, "locked", 0o700)
                _ = symlinkat(victim.path, next, "locked/link")
                _ = fchmodat(next, "locked", 0, 0)
            }
            close(current)
            current = next
        }
        close(current)
        _ = fchmod(top, 0o500)
        close(top)

        directory.remove()

        victim.expectUntouched()
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        var status = stat()
        #expect(lstat(directory.path, &status) == -1)
    }

    @Test("a run directory replaced by a symlink is unlinked, not followed")
    func runDirectorySwappedForLink() throws {
        let victim = try Victim()
        defer { victim.remove() }
        let directory = try RunDirectory.create()
        #expect(rmdir(directory.path) == 0)
        #expect(symlink(victim.path, directory.path) == 0)
        directory.remove()
        victim.expectUntouched()
        var status = stat()
        #expect(lstat(directory.path, &status) == -1)
    }

    @Test("a candidate that builds the link and the deep tree itself (plain rlimits, where it writes to the host directory)",
          .enabled("SKIPPED: prlimit (util-linux) is missing") { await SandboxFixtures.resourceLimitsWork() })
    func candidateBuiltTree() async throws {
        let victim = try Victim()
        defer { victim.remove() }
        let report = NSTemporaryDirectory() + "cascade-cwd-\(UUID().uuidString)"
        defer { unlink(report) }
        let solution = """
        import os
        open(\(String(reflecting: report)), "w").write(os.getcwd())
        os.symlink(\(String(reflecting: victim.path)), "link")
        for level in range(\(Self.depth)):
            os.mkdir("\(Self.segment)")
            os.chdir("\(Self.segment)")
            if level % 50 == 0:
                os.symlink(\(String(reflecting: victim.path)), "link")
                os.mkdir("locked")
                os.chmod("locked", 0)
        def add(a, b):
            return a + b
        """
        let matrix = try await SandboxFixtures.run([solution], ["assert add(1, 2) == 3"], SandboxFixtures.limits(.rlimits))
        #expect(matrix.outcomes == [[.pass]], "\(matrix.loadErrors)")
        let directory = try String(contentsOfFile: report, encoding: .utf8)
        #expect(directory.contains("cascade-run-"))
        #expect(!FileManager.default.fileExists(atPath: directory))
        victim.expectUntouched()
    }
}
}
