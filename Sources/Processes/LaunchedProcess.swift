import Dispatch
import Glibc
import Synchronization

/// Where a long-running child's stdin comes from.
public enum LaunchInput: Sendable, Equatable {
    /// `/dev/null`.
    case none
    /// A pipe kept open; write with `LaunchedProcess.writeToStandardInput`.
    case pipe
}

/// A long-running child such as a model server (see `ChildProcess.launch`).
public struct LaunchConfiguration: Sendable {
    public var executable: Executable
    public var arguments: [String]
    public var environment: Environment
    public var workingDirectory: String?
    /// stdout and stderr are appended here; nil sends them to /dev/null.
    public var logFile: String?
    public var standardInput: LaunchInput
    public var isolation: ProcessIsolation

    public init(
        executable: Executable, arguments: [String] = [], environment: Environment = .custom([:]),
        workingDirectory: String? = nil, logFile: String? = nil, standardInput: LaunchInput = .none,
        isolation: ProcessIsolation = .newSession
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logFile = logFile
        self.standardInput = standardInput
        self.isolation = isolation
    }
}

/// A running child and its process group. Registered in `ChildProcessRegistry` until reaped.
public final class LaunchedProcess: Sendable {
    public let pid: Int32
    /// Equal to `pid`: the child leads its own group.
    public var processGroup: Int32 { pid }

    private struct State {
        var termination: Termination?
        var waiters: [CheckedContinuation<Termination, Never>] = []
        var stdinFD: Int32?
    }

    private let control: ProcessGroupControl
    private let state: Mutex<State>

    init(control: ProcessGroupControl, stdinFD: Int32?) {
        self.pid = control.pid
        self.control = control
        self.state = Mutex(State(stdinFD: stdinFD))
    }

    func exited(_ ended: Termination) {
        let waiters = state.withLock { state in
            state.termination = ended
            if let fd = state.stdinFD { FileDescriptors.close(fd) }
            state.stdinFD = nil
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: ended) }
    }

    /// nil while running.
    public var termination: Termination? { state.withLock { $0.termination } }
    public var isRunning: Bool { termination == nil }

    /// Waits (without polling) until the child exited and was reaped.
    public func waitForExit() async -> Termination {
        await withCheckedContinuation { continuation in
            let ended: Termination? = state.withLock { state in
                if let termination = state.termination { return termination }
                state.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// Sends `signal` to the whole group (nothing once the child is reaped).
    public func signalGroup(_ signal: Int32) {
        control.signalGroup(signal)
    }

    /// SIGTERM to the group, SIGKILL if still alive after `grace`; returns how it ended.
    @discardableResult
    public func terminate(grace: Duration = .seconds(2)) async -> Termination {
        if let ended = termination { return ended }
        signalGroup(SIGTERM)
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { _ = await self.waitForExit(); return true }
            group.addTask { try? await Task.sleep(for: grace); return false }
            let first = await group.next() ?? false
            if !first { self.signalGroup(SIGKILL) }
            group.cancelAll()
        }
        return await waitForExit()
    }

    /// Writes to the child's stdin (launched with `standardInput: .pipe`).
    ///
    /// Writes through a private duplicate taken under the lock: the shared descriptor may be
    /// closed (child exit, `closeStandardInput`) meanwhile and its number reused elsewhere.
    public func writeToStandardInput(_ bytes: [UInt8]) throws(ProcessError) {
        let fd = state.withLock { state in state.stdinFD.map { fcntl($0, F_DUPFD_CLOEXEC, Int32(10)) } }
        guard let fd, fd >= 0 else { throw .standardInputClosed }
        defer { FileDescriptors.close(fd) }
        guard FileDescriptors.writeAll(fd, bytes) else { throw .standardInputClosed }
    }

    /// Sends end of file on the child's stdin.
    public func closeStandardInput() {
        state.withLock { state in
            if let fd = state.stdinFD { FileDescriptors.close(fd) }
            state.stdinFD = nil
        }
    }
}

extension ChildProcess {
    /// Starts a long-running child and returns at once.
    ///
    /// - Throws: `ProcessError` when the child could not be started or the log file opened.
    public static func launch(_ configuration: LaunchConfiguration) throws(ProcessError) -> LaunchedProcess {
        let path = try configuration.executable.resolvedPath()
        var output = ChildDescriptor.open(path: "/dev/null", flags: O_WRONLY, mode: 0)
        var logFD: Int32?
        if let logFile = configuration.logFile {
            let fd = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .logFileUnopenable(path: logFile, errno: errno) }
            logFD = fd
            output = .inherit(fd)
        }
        defer { if let logFD { FileDescriptors.close(logFD) } }
        var stdinPipe: (read: Int32, write: Int32)?
        var input = ChildDescriptor.open(path: "/dev/null", flags: O_RDONLY, mode: 0)
        if configuration.standardInput == .pipe {
            stdinPipe = try FileDescriptors.pipe()
            input = .inherit(stdinPipe!.read)
        }
        let request = SpawnRequest(
            path: path, arguments: configuration.arguments, environment: configuration.environment.values,
            workingDirectory: configuration.workingDirectory, descriptors: [input, output, output],
            isolation: configuration.isolation)
        let stdinWrite = stdinPipe?.write
        let outcome = Mutex<Result<LaunchedProcess, ProcessError>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        ProcessGroupControl.spawnOnWaiterThread(
            killingGroup: true,
            spawn: { () throws(ProcessError) -> pid_t in try request.spawn() },
            spawned: { result in
                outcome.withLock { $0 = result.map { LaunchedProcess(control: $0, stdinFD: stdinWrite) } }
                ready.signal()
            },
            exited: { ended in
                // `spawned` ran first on this same thread, so the handle exists.
                let handle = try? outcome.withLock { $0 }?.get()
                handle?.exited(ended)
            })
        ready.wait()
        let handle: LaunchedProcess
        do {
            handle = try outcome.withLock { $0! }.get()
        } catch {
            if let stdinPipe { FileDescriptors.close(stdinPipe.read); FileDescriptors.close(stdinPipe.write) }
            throw error
        }
        if let stdinPipe { FileDescriptors.close(stdinPipe.read) }
        return handle
    }
}
