import Foundation
import Glibc

/// Helpers that look at the real system: /proc scans for leftover processes and a FIFO the
/// child writes to when it is ready (so tests await readiness instead of sleeping).
enum ProcessProbes {
    /// Live (non-zombie) pids whose environment contains `marker`.
    static func processes(carrying marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return environ.range(of: Data(marker.utf8)) != nil
        }
    }

    /// SIGKILLed processes vanish asynchronously; allow them a short moment, then report what is left.
    static func survivors(carrying marker: String) async -> [Int32] {
        for _ in 0..<100 {
            let left = processes(carrying: marker)
            if left.isEmpty { return [] }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return processes(carrying: marker)
    }

    static func uniqueMarker() -> String { "CASCADE_TEST_MARKER=\(UUID().uuidString)" }

    /// A FIFO in a fresh temporary directory.
    static func makeFIFO() -> String {
        let path = NSTemporaryDirectory() + "cascade-fifo-\(UUID().uuidString)"
        mkfifo(path, 0o600)
        return path
    }

    /// Blocks a dedicated thread until a writer opens the FIFO and closes it; returns what it wrote.
    static func readFIFO(_ path: String) async -> String {
        await withCheckedContinuation { continuation in
            Thread {
                var bytes: [UInt8] = []
                let fd = open(path, O_RDONLY)
                var chunk = [UInt8](repeating: 0, count: 4096)
                while fd >= 0 {
                    let n = read(fd, &chunk, chunk.count)
                    if n <= 0 { break }
                    bytes += chunk[0..<n]
                }
                if fd >= 0 { close(fd) }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }.start()
        }
    }
}
