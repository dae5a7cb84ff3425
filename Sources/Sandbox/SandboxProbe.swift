import Cascade
import Foundation
import Processes
import Synchronization

/// Finds out once per language which layers work here, by running the real thing.
enum SandboxProbe {
    private static let cache = Mutex<[String: Task<Probed, Never>]>([:])

    struct Probed: Sendable {
        var layers: SandboxLayers
        var bwrapPath: String?
        var prlimitPath: String?
    }

    static func probe(_ runner: any LanguageRunner) async -> Probed {
        let task = cache.withLock { cache in
            if let existing = cache[runner.language] { return existing }
            let task = Task { await probeUncached(runner) }
            cache[runner.language] = task
            return task
        }
        return await task.value
    }

    private static func probeUncached(_ runner: any LanguageRunner) async -> Probed {
        let clock = ContinuousClock()
        let start = clock.now
        var interpreterProblem: String?
        var interpreter: InterpreterInfo?
        do {
            interpreter = try await findInterpreter(runner)
        } catch {
            interpreterProblem = "\(error)"
        }

        var prlimitPath: String?
        var resourceLimits = LayerStatus(isAvailable: false, detail: "prlimit (util-linux) not found on PATH")
        if let path = try? Executable.name("prlimit").resolvedPath() {
            let check = try? await ChildProcess.run(ProcessConfiguration(
                executable: .path(path), arguments: ["--core=0:0", "--nofile=256:256", "--", "/bin/sh", "-c", "exit 0"],
                timeout: .seconds(10)))
            if check?.termination == .exited(0) {
                prlimitPath = path
                resourceLimits = LayerStatus(isAvailable: true, detail: path)
            } else {
                resourceLimits.detail = "\(path) failed: \(check?.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines) ?? "did not start")"
            }
        }

        var bwrapPath: String?
        var bubblewrap = LayerStatus(isAvailable: false, detail: "bwrap not found on PATH (apt-get install -y bubblewrap)")
        if let path = try? Executable.name("bwrap").resolvedPath() {
            if let interpreter {
                let problem = await tryBubblewrap(path, interpreter: interpreter, runner: runner)
                if let problem {
                    bubblewrap.detail = "\(path) fails: \(problem)"
                } else {
                    bwrapPath = path
                    bubblewrap = LayerStatus(isAvailable: true, detail: path)
                }
            } else {
                bubblewrap.detail = "not tried: no interpreter"
            }
        }
        let processCap = ProcessCountCap.hierarchy.map {
            LayerStatus(isAvailable: true, detail: "\($0), at most \(ProcessCountCap.maximum) processes a run")
        } ?? LayerStatus(isAvailable: false, detail: "no writable pids cgroup hierarchy (needs root or a delegated cgroup); fork bombs are stopped by the deadline only")
        let layers = SandboxLayers(
            bubblewrap: bubblewrap, resourceLimits: resourceLimits, processCap: processCap, interpreter: interpreter,
            interpreterProblem: interpreterProblem,
            probeMs: (clock.now - start).milliseconds)
        return Probed(layers: layers, bwrapPath: bwrapPath, prlimitPath: prlimitPath)
    }

    /// Resolves the interpreter through shims by asking it where it really is.
    private static func findInterpreter(_ runner: any LanguageRunner) async throws -> InterpreterInfo {
        guard let found = runner.interpreterNames.lazy.compactMap({ try? Executable.name($0).resolvedPath() }).first else {
            throw SandboxError.interpreterNotFound(language: runner.language, tried: runner.interpreterNames)
        }
        let result = try await ChildProcess.run(ProcessConfiguration(
            executable: .path(found), arguments: runner.introspectionArguments,
            environment: .inherit(), timeout: .seconds(20)))
        let lines = result.standardOutputText.split(separator: "\n").map(String.init)
        guard result.termination == .exited(0), let executable = lines.first, !executable.isEmpty else {
            throw SandboxError.interpreterBroken(path: found, detail: "\(result.termination): \(result.standardErrorText.suffix(300))")
        }
        let real = URL(fileURLWithPath: executable).resolvingSymlinksInPath().path
        var paths: [String] = []
        for path in lines.dropFirst() + [URL(fileURLWithPath: real).deletingLastPathComponent().path] where !paths.contains(path) {
            paths.append(path)
        }
        return InterpreterInfo(language: runner.language, executable: real, readOnlyPaths: paths)
    }

    /// nil when the interpreter prints "ok" from inside bubblewrap.
    private static func tryBubblewrap(_ bwrap: String, interpreter: InterpreterInfo, runner: any LanguageRunner) async -> String? {
        guard let directory = try? RunDirectory.create() else { return "cannot create a run directory" }
        defer { directory.remove() }
        let environment = SandboxCommand.minimalEnvironment(directory: SandboxCommand.sandboxDirectory, marker: "probe")
        let arguments = SandboxCommand.bubblewrapArguments(interpreter: interpreter, runDirectory: directory.path, environment: environment)
            + ["--", interpreter.executable] + runner.probeArguments
        do {
            let result = try await ChildProcess.run(ProcessConfiguration(
                executable: .path(bwrap), arguments: arguments, timeout: .seconds(20)))
            if result.standardOutputText == "ok\n" { return nil }
            let why = result.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines)
            return why.isEmpty ? "\(result.termination)" : String(why.prefix(300))
        } catch {
            return "\(error)"
        }
    }
}
