import Foundation
#if canImport(Glibc)
import Glibc
#endif
import JSONRPC
import Testing
import TestSupport

/// The built `cascade` executable (see `BuiltCascade`).
enum RealBinary {
    static func path() throws -> String {
        // Tests/LanguageServerTests/Support/RealServer.swift → the package root.
        try BuiltCascade.path(packageRoot: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
    }
}

struct RealServerDied: Error, CustomStringConvertible {
    var description: String
}

/// The fake coder behind the real-binary tests, told apart by the prompt's words
/// (PromptLibrary: "Complete the Python function `f`" / "Write N tests for `f`").
///
/// - `add`: right at every tier, so the small tier accepts it.
/// - `mul`: the small model writes `a + b` (wrong), the medium one `a * b`: an escalation.
/// - `spin`: renames its process to `marker` (PR_SET_NAME) and loops forever, so a test
///   process is running when the request is cancelled.
struct FakeCoder: Sendable {
    var marker: String

    static let tests: [String: [String]] = [
        "add": ["assert add(1, 2) == 3", "assert add(0, 0) == 0", "assert add(-1, 1) == 0"],
        "mul": ["assert mul(2, 3) == 6", "assert mul(0, 5) == 0", "assert mul(-1, 4) == -4"],
        "spin": ["assert spin(1) == 1", "assert spin(2) == 2", "assert spin(3) == 3"],
    ]

    func reply(_ call: FakeModelCall) -> String {
        if let name = Self.name(after: "tests for `", in: call.prompt) {
            return "```python\n" + (Self.tests[name] ?? []).joined(separator: "\n") + "\n```"
        }
        guard let name = Self.name(after: "Python function `", in: call.prompt) else { return "```python\npass\n```" }
        let body: String
        switch name {
        case "add": body = "    return a + b"
        case "mul": body = call.model == "fake-small" ? "    return a + b" : "    return a * b"
        case "spin":
            body = "    import ctypes\n    ctypes.CDLL(None).prctl(15, b\"\(marker)\", 0, 0, 0)\n    while True:\n        pass"
        default: body = "    return None"
        }
        let parameters = name == "spin" ? "x" : "a, b"
        return "```python\ndef \(name)(\(parameters)):\n\(body)\n```"
    }

    private static func name(after lead: String, in prompt: String) -> String? {
        guard let start = prompt.range(of: lead)?.upperBound,
              let end = prompt[start...].firstIndex(of: "`") else { return nil }
        return String(prompt[start..<end])
    }
}

/// A real `cascade lsp` child on pipes, with a fake model on 127.0.0.1, its own
/// `CASCADE_HOME` (config, ledger) and `TMPDIR` (the sandbox's run directories).
final class RealServer {
    let client: LSPTestClient
    let process: Process
    let model: FakeModelServer
    let home: URL
    /// A name no other process has: what the `spin` candidates call themselves.
    let marker: String
    /// Kills a hung server so that awaiting tests fail ("server closed its output") instead
    /// of hanging the whole run: the client's waits have no timeout of their own.
    private let watchdog: Task<Void, Never>

    static let addSource = "def add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n    \n"
    static let mulSource = "def mul(a, b):\n    \"\"\"Return the product of a and b.\"\"\"\n    \n"
    static let spinSource = "def spin(x):\n    \"\"\"Return x.\"\"\"\n    \n"

    /// - Parameter testTimeoutSeconds: long, so that only a cancellation can stop `spin` in time.
    init(testTimeoutSeconds: Double = 30) throws {
        let binary = try RealBinary.path()
        marker = "cspin-" + UUID().uuidString.prefix(8).lowercased()
        let coder = FakeCoder(marker: marker)
        model = try FakeModelServer.openAI(FakeOpenAIBehaviour(models: ["fake-small", "fake-medium"])) { coder.reply($0) }
        home = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-real-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        let config: JSONValue = [
            "tiers": [
                ["name": "small", "endpoint": .string(model.endpoint), "model": "fake-small", "api": "chat",
                 "price": ["inputPerMillion": 1, "outputPerMillion": 2], "samples": 2, "testLines": 3],
                ["name": "medium", "endpoint": .string(model.endpoint), "model": "fake-medium", "api": "chat",
                 "price": ["inputPerMillion": 10, "outputPerMillion": 20], "samples": 2, "testLines": 3],
            ],
            "execution": ["testTimeoutSeconds": .double(testTimeoutSeconds), "runTimeoutSeconds": .double(testTimeoutSeconds * 2), "sandbox": "auto"],
        ]
        let configPath = home.appendingPathComponent("config.json").path
        try Data(config.serialized()).write(to: URL(fileURLWithPath: configPath))
        var environment = ProcessInfo.processInfo.environment
        environment["CASCADE_HOME"] = home.path
        environment["TMPDIR"] = home.appendingPathComponent("tmp").path
        environment.removeValue(forKey: "CASCADE_CONFIG")
        let (client, process) = try LSPTestClient.launch(executable: binary, arguments: ["lsp", "--config", configPath], environment: environment)
        self.client = client
        self.process = process
        watchdog = Task.detached {
            try? await Task.sleep(for: .seconds(45))
            guard !Task.isCancelled, process.isRunning else { return }
            FileHandle.standardError.write(Data("RealServer watchdog: cascade lsp (pid \(process.processIdentifier)) still running after 45 s; killing it: the server hung\n".utf8))
            kill(process.processIdentifier, SIGKILL)
        }
    }

    var ledgerPath: String { home.appendingPathComponent("ledger.jsonl").path }
    var runDirectoryPrefix: String { home.appendingPathComponent("tmp").path + "/cascade-run-" }

    /// `initialize`, `initialized`, and the three documents opened.
    func start(capabilities: JSONValue = [:]) async throws {
        _ = try await client.request("initialize", ["processId": nil, "rootUri": nil, "capabilities": capabilities]).get()
        client.notify("initialized", [:])
        for (name, text) in [("add", Self.addSource), ("mul", Self.mulSource), ("spin", Self.spinSource)] {
            client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(Self.uri(name)), "languageId": "python", "version": 1, "text": .string(text)]])
        }
    }

    static func uri(_ name: String) -> String { "file:///tmp/cascade-real/\(name).py" }

    /// Completion params at the empty body line (2, 4) of document `name`.
    static func params(_ name: String, trigger: Int? = 1, token: String? = nil) -> JSONValue {
        var params: [String: JSONValue] = ["textDocument": ["uri": .string(uri(name))], "position": ["line": 2, "character": 4]]
        if let trigger { params["context"] = ["triggerKind": .int(trigger)] }
        if let token { params["workDoneToken"] = .string(token) }
        return .object(params)
    }

    /// The answer to `id`; when the server died instead, a failure that says how (a crash
    /// prints its backtrace on the server's stderr, which the test output shows).
    func answer(to id: RequestID) async throws -> Result<JSONValue, ResponseError> {
        let answer = await client.answer(to: id)
        if case .failure(let error) = answer, error.message == "server closed its output" {
            process.waitUntilExit()
            let how = process.terminationReason == .uncaughtSignal ? "was killed by signal \(process.terminationStatus)" : "exited with \(process.terminationStatus)"
            throw RealServerDied(description: "cascade lsp \(how) while request \(id) was pending; see its stderr above")
        }
        return answer
    }

    /// `shutdown`, `exit`; the exit code.
    func stop() async -> Int32 {
        defer { watchdog.cancel() }
        _ = await client.request("shutdown")
        client.notify("exit")
        await client.waitForEnd()
        process.waitUntilExit()
        client.closeInput()
        model.stop()
        return process.terminationStatus
    }

    /// Ends everything this server started (also after a failed test) and removes its files.
    func removeHome() {
        watchdog.cancel()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        model.stop()
        try? FileManager.default.removeItem(at: home)
    }

    /// Processes that are test runs of this server: the ones named `marker`, and any whose
    /// command line holds one of its run directories (bwrap's does).
    func testProcesses() -> [Int32] {
        let prefix = runDirectoryPrefix
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        return pids.filter { pid in
            if let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
               comm.trimmingCharacters(in: .whitespacesAndNewlines) == marker { return true }
            guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: cmdline.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(prefix)
        }
    }

    /// Polls /proc (nothing to await: the processes are the sandbox's) until `condition`
    /// holds or `seconds` pass; whether it held.
    func waitFor(seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// Waits until a `spin` candidate runs, i.e. a process renamed to `marker` exists.
    func waitForSpinningTestProcess() async -> Bool {
        await waitFor(seconds: 20) {
            testProcesses().contains { pid in
                (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) == marker
            }
        }
    }
}
