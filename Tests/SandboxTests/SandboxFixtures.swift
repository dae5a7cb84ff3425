import Cascade
import Foundation
import Glibc
import Sandbox

/// Shared helpers: the probe result (for `.enabled(if:)`), job builders and /proc scans.
enum SandboxFixtures {
    /// The layers here (probed once per process and cached by the executor). Skips are
    /// loud: Swift Testing prints the trait's comment for every skipped test.
    static func layers() async -> SandboxLayers { await SandboxExecutor.probe(language: "python") }
    static func bubblewrapWorks() async -> Bool { await layers().bubblewrap.isAvailable }
    static func resourceLimitsWork() async -> Bool { await layers().resourceLimits.isAvailable }
    static func processCapWorks() async -> Bool { await layers().processCap.isAvailable }

    static let executor = SandboxExecutor()

    /// `run` is generous: a start-up slowed by the rest of the suite (and a real model in CI)
    /// must not end a run whose tests are within their own limits.
    static func limits(_ mode: SandboxMode = .auto, test: Double = 1, run: Double = 30, memoryMB: Int = 256) -> ExecutionConfig {
        ExecutionConfig(testTimeoutSeconds: test, runTimeoutSeconds: run, memoryMB: memoryMB, parallelism: 2, sandbox: mode)
    }

    /// A candidate whose `fill()` tries to write 1 GB into the run directory, 1 MB at a time,
    /// and returns how much it managed before the file system refused.
    static let diskFiller = """
        import os
        def fill():
            written = 0
            try:
                for i in range(128):
                    with open("fill-%d" % i, "wb") as f:
                        for _ in range(8):
                            f.write(b"x" * (1 << 20))
                            written += 1 << 20
            except OSError:
                pass
            return written
        """

    static func run(_ solutions: [String], _ tests: [String], _ limits: ExecutionConfig = limits()) async throws -> PassMatrix {
        try await executor.run(TestJob(language: "python", solutions: solutions, tests: tests, limits: limits))
    }

    /// Live (non-zombie) pids whose command line contains `text`.
    static func processes(withCommandLineContaining text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return false }
            return data.range(of: Data(text.utf8)) != nil
        }
    }

    /// SIGKILLed processes disappear asynchronously; give them a short moment.
    static func survivors(withCommandLineContaining text: String) async -> [Int32] {
        for _ in 0..<100 {
            if processes(withCommandLineContaining: text).isEmpty { return [] }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return processes(withCommandLineContaining: text)
    }

    static func uniqueTag() -> String { "cascadetag\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))" }
}

