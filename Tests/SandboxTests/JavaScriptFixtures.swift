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

    static let executor = SlottedExecutor(base: SandboxExecutor())

    static func run(_ solutions: [String], _ tests: [String], _ limits: ExecutionConfig = SandboxFixtures.limits()) async throws -> PassMatrix {
        try await executor.run(TestJob(language: "javascript", solutions: solutions, tests: tests, limits: limits))
    }
}

private final class JavaScriptLayersBox: @unchecked Sendable {
    // Written once before the semaphore is signalled, read after it: no race.
    var value: SandboxLayers?
}

/// Runs a job when one of a few slots is free.
///
/// Node in the sandbox needs most of a core for its first half second. The twenty-odd
/// JavaScript tests run in parallel with the rest of the suite; started all at once on a
/// busy 2-core machine, their runs spend the whole start-up allowance queued for the CPU
/// and end as timeouts. Two at a time, each run gets the CPU it is allowed.
struct SlottedExecutor: TestExecutor {
    /// Shared by every JavaScript sandbox test.
    static let javaScriptSlots = CallGate(limit: 2)

    let base: any TestExecutor

    func run(_ job: TestJob) async throws -> PassMatrix {
        try await Self.javaScriptSlots.withSlot { try await base.run(job) }
    }
}
