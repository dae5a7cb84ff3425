import Cascade
import Foundation
import Sandbox

/// Shared helpers for the Node runner tests.
enum JavaScriptFixtures {
    /// Probed once, synchronously, for test traits decided at discovery time.
    static let layers: SandboxLayers = {
        let box = JavaScriptLayersBox()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.value = await SandboxExecutor.probe(language: "javascript")
            done.signal()
        }
        done.wait()
        let layers = box.value!
        if layers.interpreter == nil {
            print("⚠️  SandboxTests: node is not usable (\(layers.interpreterProblem ?? "not found")); every JavaScript sandbox test is SKIPPED")
        } else if !layers.bubblewrap.isAvailable {
            print("⚠️  SandboxTests: bubblewrap does not work for node here (\(layers.bubblewrap.detail)); bwrap-only JavaScript attack tests are SKIPPED")
        }
        return layers
    }()

    static var nodeWorks: Bool { layers.interpreter != nil && layers.resourceLimits.isAvailable }
    static var bubblewrapWorks: Bool { nodeWorks && layers.bubblewrap.isAvailable }

    static let executor = SandboxExecutor()

    static func run(_ solutions: [String], _ tests: [String], _ limits: ExecutionConfig = SandboxFixtures.limits()) async throws -> PassMatrix {
        try await executor.run(TestJob(language: "javascript", solutions: solutions, tests: tests, limits: limits))
    }
}

private final class JavaScriptLayersBox: @unchecked Sendable {
    // Written once before the semaphore is signalled, read after it: no race.
    var value: SandboxLayers?
}
