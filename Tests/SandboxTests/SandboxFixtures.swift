import Cascade
import Foundation
import Glibc
import Sandbox

/// Shared helpers: the probe result (for `.enabled(if:)`), job builders and /proc scans.
enum SandboxFixtures {
    /// Probed once, synchronously, for test traits that must be decided at discovery time.
    static let layers: SandboxLayers = {
        let box = LayersBox()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.value = await SandboxExecutor.probe(language: "python")
            done.signal()
        }
        done.wait()
        let layers = box.value!
        if !layers.bubblewrap.isAvailable {
            print("⚠️  SandboxTests: bubblewrap does not work here (\(layers.bubblewrap.detail)); every bwrap-only attack test is SKIPPED")
        }
        if !layers.processCap.isAvailable {
            print("⚠️  SandboxTests: no pids cgroup (\(layers.processCap.detail)); the fork bomb test is SKIPPED")
        }
        return layers
    }()

    static var bubblewrapWorks: Bool { layers.bubblewrap.isAvailable }
    static var resourceLimitsWork: Bool { layers.resourceLimits.isAvailable }
    static var processCapWorks: Bool { layers.processCap.isAvailable }

    static let executor = SandboxExecutor()

    static func limits(_ mode: SandboxMode = .auto, test: Double = 1, run: Double = 5, memoryMB: Int = 256) -> ExecutionConfig {
        ExecutionConfig(testTimeoutSeconds: test, runTimeoutSeconds: run, memoryMB: memoryMB, parallelism: 2, sandbox: mode)
    }

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

private final class LayersBox: @unchecked Sendable {
    // Written once before the semaphore is signalled, read after it: no race.
    var value: SandboxLayers?
}
