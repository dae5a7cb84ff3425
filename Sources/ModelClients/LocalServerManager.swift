import Cascade
import Foundation
import Processes
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Starts and owns one `python -m llama_cpp.server` per local model.
///
/// A server starts on first use on a kernel-chosen free 127.0.0.1 port, is ready when
/// `/v1/models` answers *and* our child is still alive (so a server of another Cascade
/// that grabbed the same port is never mistaken for ours; we retry on a new port), and
/// is reused for the life of the process. Teardown, in three layers:
/// - `stopAll()` terminates each server's process group;
/// - every group is in `ChildProcessRegistry`, so the command line's
///   `ChildProcessRegistry.installExitHandlers()` kills them at exit and on SIGINT/SIGTERM;
/// - each server runs under a tiny Python supervisor whose stdin is a pipe held by this
///   process: when this process dies for any reason (even SIGKILL) the supervisor sees
///   EOF and kills the server.
public actor LocalServerManager {
    /// The process-wide manager `ModelProvider` uses by default.
    public static let shared = LocalServerManager()

    public struct Settings: Sendable, Equatable {
        public var home: CascadeHome
        /// `--n_threads`: `$CASCADE_LLAMA_THREADS`, else cores − 1 (at least 1).
        ///
        /// Measured here (2 cores) while other work ran: 0.5B generation at 2 threads fell to
        /// 2.2 tok/s (llama.cpp's threads spin on barriers when one is descheduled), at 1 thread
        /// 20 tok/s. A cascade always runs tests beside generation, so leave a core free.
        public var threads: Int
        public var contextTokens: Int
        /// How long a model may take to load before start-up fails.
        public var startupTimeoutSeconds: Double

        public init(home: CascadeHome = CascadeHome(), threads: Int = Settings.defaultThreads,
                    contextTokens: Int = 4096, startupTimeoutSeconds: Double = 120) {
            self.home = home
            self.threads = max(1, threads)
            self.contextTokens = contextTokens
            self.startupTimeoutSeconds = startupTimeoutSeconds
        }

        public static var defaultThreads: Int {
            if let text = ProcessInfo.processInfo.environment["CASCADE_LLAMA_THREADS"], let value = Int(text), value > 0 { return value }
            return max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        }
    }

    /// A running server.
    public struct Server: Sendable, Equatable {
        public var model: String
        public var port: Int
        public var pid: Int32
        /// `http://127.0.0.1:PORT/v1`.
        public var endpoint: String { "http://127.0.0.1:\(port)/v1" }
        public var logPath: String
    }

    public let settings: Settings
    private var starting: [String: Task<Server, any Error>] = [:]
    private var children: [String: LaunchedProcess] = [:]

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// The base URL serving `model`, starting its server when needed.
    ///
    /// - Throws: `LocalServerError` when setup is missing or the server does not come up.
    public func endpoint(forModel model: String) async throws -> String {
        try await server(forModel: model).endpoint
    }

    /// The running server for `model`, started when needed (concurrent callers share one start).
    public func server(forModel model: String) async throws -> Server {
        if let task = starting[model] {
            let server = try await task.value
            if children[model]?.isRunning == true { return server }
            starting[model] = nil
            children[model] = nil
        }
        let task = Task { try await start(model) }
        starting[model] = task
        do {
            return try await task.value
        } catch {
            starting[model] = nil
            throw error
        }
    }

    /// The servers running now.
    public var running: [Server] {
        get async {
            var list: [Server] = []
            for (model, task) in starting where children[model]?.isRunning == true {
                if let server = try? await task.value { list.append(server) }
            }
            return list.sorted { $0.model < $1.model }
        }
    }

    /// Stops every server (whole process groups); safe to call more than once.
    public func stopAll() async {
        let all = children
        children = [:]
        starting = [:]
        for (_, child) in all {
            await child.terminate(grace: .seconds(3))
        }
    }

    // MARK: - Start-up

    private func start(_ modelName: String) async throws -> Server {
        guard let model = LocalModelCatalog.model(named: modelName) else {
            throw LocalServerError(model: modelName, message: "no local model is called \"\(modelName)\"",
                                   fix: "use one of \(LocalModelCatalog.all.map(\.name).joined(separator: ", ")) or point the tier at an http endpoint")
        }
        let home = settings.home
        guard home.modelIsComplete(model) else {
            throw LocalServerError(model: modelName, message: "\(home.modelPath(model)) is missing or incomplete",
                                   fix: "run `swift run -c release cascade setup`")
        }
        guard FileManager.default.isExecutableFile(atPath: home.venvPython) else {
            throw LocalServerError(model: modelName, message: "\(home.venvPython) is missing",
                                   fix: "run `swift run -c release cascade setup`")
        }
        try? FileManager.default.createDirectory(atPath: home.logs, withIntermediateDirectories: true)
        let logPath = home.logs + "/server-\(model.name).log"
        var lastFailure = ""
        for _ in 1...4 {
            let port = try Self.freePort()
            let arguments = ["-c", Self.supervisorScript, home.venvPython, "-m", "llama_cpp.server",
                             "--model", home.modelPath(model), "--model_alias", model.name,
                             "--host", "127.0.0.1", "--port", String(port),
                             "--n_threads", String(settings.threads), "--n_ctx", String(settings.contextTokens),
                             "--logits_all", "false", "--interrupt_requests", "false", "--verbose", "false"]
            var environment = ProcessInfo.processInfo.environment
            environment["PYTHONUNBUFFERED"] = "1"
            // stdin is a pipe whose write end only this process holds: see `supervisorScript`.
            let child = try ChildProcess.launch(LaunchConfiguration(
                executable: .path(home.venvPython), arguments: arguments, environment: .custom(environment),
                logFile: logPath, standardInput: .pipe, isolation: .newSession))
            if try await waitUntilReady(child, port: port, model: model.name) {
                children[modelName] = child
                return Server(model: model.name, port: port, pid: child.pid, logPath: logPath)
            }
            await child.terminate(grace: .seconds(1))
            lastFailure = LocalSetup.lastLine(of: logPath) ?? "no output"
            // Port taken by someone else between our probe and its bind: try another.
            if !lastFailure.contains("address already in use") && !lastFailure.contains("Errno 98") { break }
        }
        throw LocalServerError(model: modelName, message: "the llama.cpp server did not start (\(lastFailure))",
                               fix: "see \(logPath); run `cascade doctor`")
    }

    /// Polls `/v1/models` until it lists `model` while `child` is alive.
    private func waitUntilReady(_ child: LaunchedProcess, port: Int, model: String) async throws -> Bool {
        let deadline = Date().addingTimeInterval(settings.startupTimeoutSeconds)
        let url = URL(string: "http://127.0.0.1:\(port)/v1/models")!
        while Date() < deadline {
            try Task.checkCancellation()
            if !child.isRunning { return false }
            if let response = try? await HTTPTransport.send(HTTPRequest(url: url), timeoutSeconds: 2),
               response.status == 200,
               let list = try? JSONDecoder().decode(ModelListResponse.self, from: response.body),
               list.data.contains(where: { $0.id == model }) {
                return child.isRunning
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A port the kernel reports free on 127.0.0.1 right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalServerError(model: "", message: "socket() failed", fix: "check the loopback interface") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw LocalServerError(model: "", message: "no free port on 127.0.0.1", fix: "check the loopback interface") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs argv[1:] as a child and kills it when stdin reaches EOF (our process died)
    /// or on SIGTERM/SIGINT; exits with the child's status otherwise.
    static let supervisorScript = """
    import os, signal, subprocess, sys, threading
    child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
    def stop(*_):
        child.terminate()
        try:
            child.wait(5)
        except Exception:
            child.kill()
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    def watch():
        while sys.stdin.buffer.read(65536):
            pass
        stop()
    threading.Thread(target=watch, daemon=True).start()
    sys.exit(child.wait())
    """
}

/// Why a managed local server is unavailable.
public struct LocalServerError: Error, CustomStringConvertible, Sendable, Equatable {
    public var model: String
    public var message: String
    public var fix: String

    public var description: String { "local model \(model): \(message) — \(fix)" }
}
