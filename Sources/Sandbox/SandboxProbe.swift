import Cascade
import Foundation
import Glibc
import Processes
import Synchronization

/// Finds out once per language (and search path) which layers work here, by running the real thing.
enum SandboxProbe {
    private static let cache = Mutex<[String: Task<Probed, Never>]>([:])

    struct Probed: Sendable {
        var layers: SandboxLayers
        var tools: SandboxCommand.Tools
        /// The runner's arguments in their prepared form (Python: compiled once here), if any.
        var preparedArguments: [String]?
    }

    /// `searchPath` replaces `$PATH` for finding the interpreter and the tools (tests hide bwrap with it).
    static func probe(_ runner: any LanguageRunner, searchPath: String? = nil) async -> Probed {
        let key = "\(runner.language)\u{0}\(searchPath ?? "")"
        let task = cache.withLock { cache in
            if let existing = cache[key] { return existing }
            let task = Task { await probeUncached(runner, searchPath: searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") }
            cache[key] = task
            return task
        }
        return await task.value
    }

    /// The first executable `name` on `searchPath`.
    static func find(_ name: String, on searchPath: String) -> String? {
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func probeUncached(_ runner: any LanguageRunner, searchPath: String) async -> Probed {
        let clock = ContinuousClock()
        let start = clock.now
        var interpreterProblem: String?
        var interpreter: InterpreterInfo?
        do {
            interpreter = try await findInterpreter(runner, searchPath: searchPath)
        } catch {
            interpreterProblem = "\(error)"
        }
        var tools = SandboxCommand.Tools()

        var resourceLimits = LayerStatus(isAvailable: false, detail: "prlimit (util-linux) not found on PATH")
        if let path = find("prlimit", on: searchPath) {
            let check = try? await ChildProcess.run(ProcessConfiguration(
                executable: .path(path), arguments: ["--core=0:0", "--nofile=256:256", "--", "/bin/sh", "-c", "exit 0"],
                timeout: .seconds(10)))
            if check?.termination == .exited(0) {
                tools.prlimit = path
                resourceLimits = LayerStatus(isAvailable: true, detail: path)
            } else {
                resourceLimits.detail = "\(path) failed: \(check?.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines) ?? "did not start")"
            }
        }

        var bubblewrap = LayerStatus(isAvailable: false, detail: "bwrap not found on PATH (apt-get install -y bubblewrap)")
        if let path = find("bwrap", on: searchPath) {
            if let interpreter {
                let arguments = SandboxCommand.bubblewrapArguments(
                    interpreter: interpreter, runDirectory: "/nonexistent",
                    environment: SandboxCommand.minimalEnvironment(directory: SandboxCommand.sandboxDirectory, marker: "probe"))
                if let problem = await tryCommand({ _ in [path] + arguments + ["--", interpreter.executable] + runner.probeArguments }) {
                    bubblewrap.detail = "\(path) fails: \(problem)"
                } else {
                    tools.bwrap = path
                    bubblewrap = LayerStatus(isAvailable: true, detail: path)
                }
            } else {
                bubblewrap.detail = "not tried: no interpreter"
            }
        }

        var namespaces = LayerStatus(isAvailable: false, detail: "unshare, setpriv or mount (util-linux) not found on PATH")
        if let unshare = find("unshare", on: searchPath), let setpriv = find("setpriv", on: searchPath), let mount = find("mount", on: searchPath) {
            if let interpreter {
                let problem = await tryCommand { directory in
                    SandboxCommand.namespaceCommand(unshare: unshare, setpriv: setpriv, mount: mount, runDirectory: directory)
                        + [interpreter.executable] + runner.probeArguments
                }
                if let problem {
                    namespaces.detail = "\(unshare) fails: \(problem)"
                } else {
                    (tools.unshare, tools.setpriv, tools.mount) = (unshare, setpriv, mount)
                    namespaces = LayerStatus(isAvailable: true, detail: "\(unshare) with \(setpriv)")
                }
            } else {
                namespaces.detail = "not tried: no interpreter"
            }
        }

        let processCap = ProcessCountCap.hierarchy.map {
            LayerStatus(isAvailable: true, detail: "\($0), at most \(ProcessCountCap.maximum) processes a run")
        } ?? LayerStatus(isAvailable: false, detail: "no writable pids cgroup hierarchy (needs root or a delegated cgroup); fork bombs are stopped by the deadline only")
        var prepared: [String]?
        if let interpreter { prepared = await runner.preparedArguments(interpreter: interpreter.executable) }
        let layers = SandboxLayers(
            bubblewrap: bubblewrap, namespaces: namespaces, resourceLimits: resourceLimits, processCap: processCap,
            interpreter: interpreter, interpreterProblem: interpreterProblem,
            probeMs: (clock.now - start).milliseconds)
        return Probed(layers: layers, tools: tools, preparedArguments: prepared)
    }

    /// Resolves the interpreter through shims by asking it where it really is.
    private static func findInterpreter(_ runner: any LanguageRunner, searchPath: String) async throws -> InterpreterInfo {
        guard let found = runner.interpreterNames.lazy.compactMap({ find($0, on: searchPath) }).first else {
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

    /// nil when the command, made for a fresh run directory it starts in, prints exactly "ok".
    private static func tryCommand(_ command: (String) -> [String]) async -> String? {
        guard let directory = try? RunDirectory.create() else { return "cannot create a run directory" }
        defer { directory.remove() }
        let resolved = command(directory.path)
        do {
            let result = try await ChildProcess.run(ProcessConfiguration(
                executable: .path(resolved[0]), arguments: Array(resolved.dropFirst()),
                environment: .custom(SandboxCommand.minimalEnvironment(directory: directory.path, marker: "probe")),
                workingDirectory: directory.path, timeout: .seconds(20)))
            if result.standardOutputText == "ok\n" { return nil }
            let why = result.standardErrorText.trimmingCharacters(in: .whitespacesAndNewlines)
            return why.isEmpty ? "\(result.termination)" : String(why.prefix(300))
        } catch {
            return "\(error)"
        }
    }
}
