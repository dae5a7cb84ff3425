import Cascade
import Foundation
import Processes
import Sandbox

/// 10 solutions × 10 tests through `SandboxExecutor`, per layer, plus the bare cost of one
/// spawn with and without each wrapper. `--parallelism N` overrides the default (`ExecutionConfig().parallelism`).
/// The namespaces row is `auto` with bwrap hidden (a search path of links to everything else).
enum SandboxBenchmark {
    static let solutionCount = 10
    static let testCount = 10
    static let rounds = 5

    @Sendable
    static func run(_ arguments: [String]) async throws {
        let layers = await SandboxExecutor.probe(language: "python")
        print("sandbox layers (probed in \(format(layers.probeMs)) ms):")
        print(layers.summary.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        guard let interpreter = layers.interpreter else { throw SandboxError.interpreterNotFound(language: "python", tried: ["python3"]) }

        print("\nper-spawn overhead (`python3 -I -S -c pass`, mean of 20):")
        let bare = try await meanSpawnMs(interpreter.executable, ["-I", "-S", "-c", "pass"])
        print("  bare interpreter: \(format(bare)) ms")
        if layers.resourceLimits.isAvailable {
            let withPrlimit = try await meanSpawnMs("/usr/bin/prlimit", ["--cpu=11:12", "--as=536870912:536870912", "--", interpreter.executable, "-I", "-S", "-c", "pass"])
            print("  + prlimit:        \(format(withPrlimit)) ms (+\(format(withPrlimit - bare)))")
        }
        if layers.bubblewrap.isAvailable, let bwrap = layers.bubblewrap.isAvailable ? layers.bubblewrap.detail : nil {
            let directory = NSTemporaryDirectory() + "cascade-bench-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var bind = ["--unshare-all", "--as-pid-1", "--die-with-parent", "--new-session", "--clearenv", "--cap-drop", "ALL",
                        "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                        "--symlink", "usr/bin", "/bin", "--dev", "/dev", "--size", "\(64 << 20)", "--tmpfs", "/sandbox", "--chdir", "/sandbox"]
            for path in interpreter.readOnlyPaths where !path.hasPrefix("/usr") { bind += ["--ro-bind", path, path] }
            let withBwrap = try await meanSpawnMs(bwrap, bind + ["--", interpreter.executable, "-I", "-S", "-c", "pass"])
            print("  + bwrap:          \(format(withBwrap)) ms (+\(format(withBwrap - bare)))")
        }

        var job = makeJob()
        if let flag = arguments.firstIndex(of: "--parallelism"), flag + 1 < arguments.count, let width = Int(arguments[flag + 1]) {
            job.limits.parallelism = width
        }
        print("\n\(solutionCount) solutions × \(testCount) tests (\(solutionCount * testCount) pairs), parallelism \(job.limits.parallelism), best and mean of \(rounds):")
        let executor = SandboxExecutor()
        var rows: [(label: String, executor: SandboxExecutor, mode: SandboxMode)] = []
        if layers.bubblewrap.isAvailable { rows.append(("bwrap", executor, .bwrap)) }
        let hidden = SandboxExecutor(searchPath: try linkDirectory(excluding: "bwrap"))
        if await hidden.probe(language: "python").namespaces.isAvailable { rows.append(("unshare", hidden, .auto)) }
        if layers.resourceLimits.isAvailable { rows.append(("rlimits", executor, .rlimits)) }
        rows.append(("none", executor, .none))
        for (label, executor, mode) in rows {
            var limits = job.limits
            limits.sandbox = mode
            let active = try await executor.activeLayers(mode: mode)
            var walls: [Double] = []
            for _ in 0..<rounds {
                let matrix = try await executor.run(TestJob(language: "python", solutions: job.solutions, tests: job.tests, limits: limits))
                let passes = matrix.outcomes.joined().filter(\.passed).count
                guard passes == expectedPasses else {
                    throw BenchmarkError.wrongMatrix(mode: label, passes: passes, expected: expectedPasses)
                }
                walls.append(matrix.wallMs)
            }
            let best = walls.min()!
            let mean = walls.reduce(0, +) / Double(walls.count)
            let pairs = Double(solutionCount * testCount)
            let layerList = "\(active)".components(separatedBy: "; not protected")[0]
            print("  \(label.padding(toLength: 8, withPad: " ", startingAt: 0)) [\(layerList)]")
            print("           wall \(format(best)) ms best, \(format(mean)) ms mean → \(format(pairs / best * 1000)) pairs/s best, \(format(pairs / mean * 1000)) pairs/s mean, \(format(best / Double(solutionCount))) ms per solution process")
            let cancel = try await cancellationMs(executor, limits: limits)
            print("           cancel a run of 2 sleeping solutions: returned \(format(cancel)) ms after Task.cancel()")
        }
    }

    /// A directory of links to every executable on `PATH` except `name`.
    static func linkDirectory(excluding name: String) throws -> String {
        let directory = NSTemporaryDirectory() + "cascade-bench-path-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for entry in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").reversed() {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: String(entry))) ?? [] where file != name {
                unlink("\(directory)/\(file)")
                symlink("\(entry)/\(file)", "\(directory)/\(file)")
            }
        }
        return directory
    }

    /// How long a running job takes to return (every process killed) after its task is cancelled.
    static func cancellationMs(_ executor: SandboxExecutor, limits: ExecutionConfig) async throws -> Double {
        var limits = limits
        limits.testTimeoutSeconds = 30
        limits.runTimeoutSeconds = 30
        let sleeper = "import time\ndef add(a, b):\n    time.sleep(60)\n"
        let job = TestJob(language: "python", solutions: [sleeper, sleeper + "\n"], tests: ["assert add(1, 2) == 3"], limits: limits)
        let task = Task { try await executor.run(job) }
        // Let both solutions start (spawn plus interpreter start-up is well under a second here).
        try await Task.sleep(for: .seconds(1))
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        _ = try? await task.value
        return (clock.now - start).milliseconds
    }

    /// Solution i is right for inputs below i, so the matrix is a known staircase.
    static func makeJob() -> TestJob {
        let solutions = (0..<solutionCount).map { index in
            "def add(a, b):\n    if a >= \(index):\n        return a - b\n    return a + b\n"
        }
        let tests = (0..<testCount).map { "assert add(\($0), 1) == \($0 + 1)" }
        return TestJob(language: "python", solutions: solutions, tests: tests,
                       limits: ExecutionConfig(testTimeoutSeconds: 1, runTimeoutSeconds: 10, memoryMB: 512, sandbox: .auto))
    }

    /// Solution i passes tests 0..<i.
    static var expectedPasses: Int { (0..<solutionCount).map { min($0, testCount) }.reduce(0, +) }

    static func meanSpawnMs(_ executable: String, _ arguments: [String]) async throws -> Double {
        var total = 0.0
        for _ in 0..<20 {
            let result = try await ChildProcess.run(ProcessConfiguration(executable: .path(executable), arguments: arguments, timeout: .seconds(10)))
            guard result.termination == .exited(0) else { throw BenchmarkError.spawnFailed(executable, result.standardErrorText) }
            total += result.wallTime.milliseconds
        }
        return total / 20
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    enum BenchmarkError: Error, CustomStringConvertible {
        case wrongMatrix(mode: String, passes: Int, expected: Int)
        case spawnFailed(String, String)

        var description: String {
            switch self {
            case .wrongMatrix(let mode, let passes, let expected):
                return "sandbox \(mode) gave \(passes) passes, expected \(expected); the executor is broken, run `swift test --filter SandboxTests`"
            case .spawnFailed(let executable, let stderr):
                return "\(executable) failed: \(stderr)"
            }
        }
    }
}
