import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child started with `posix_spawn`: clean signal mask and defaults (DESIGN.md §5), its
/// own process group, output appended to a log file, reaped by a dedicated thread.
///
/// Small on purpose: setup's pip/python calls and the managed llama.cpp servers need only
/// this. (The `Processes` target is the general spawner for the sandbox.)
final class ChildProcess: Sendable {
    let pid: pid_t
    private let exit = Mutex<Int32?>(nil)
    private let waiters = Mutex<[CheckedContinuation<Int32, Never>]>([])
    /// Write end of the child's stdin pipe, kept open for the child's lifetime when asked for.
    private let stdinWriter: Mutex<Int32?>

    struct SpawnError: Error, CustomStringConvertible {
        var executable: String
        var code: Int32
        var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
    }

    /// Starts `executable` (an absolute path) with `arguments`.
    ///
    /// - Parameters:
    ///   - logPath: stdout and stderr are appended here (nil: /dev/null).
    ///   - holdStdinOpen: the child's stdin is a pipe whose write end stays in this process
    ///     (close-on-exec); the child sees EOF the moment this process dies.
    init(executable: String, arguments: [String], environment: [String: String],
         logPath: String?, holdStdinOpen: Bool = false) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if holdStdinOpen {
            guard pipe(&pipeEnds) == 0 else { throw SpawnError(executable: executable, code: errno) }
            // Close-on-exec so no other child inherits the write end (and keeps stdin open).
            _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, logPath ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        if holdStdinOpen { close(pipeEnds[0]) }
        guard result == 0 else {
            if holdStdinOpen { close(pipeEnds[1]) }
            throw SpawnError(executable: executable, code: result)
        }
        self.pid = pid
        self.stdinWriter = Mutex(holdStdinOpen ? pipeEnds[1] : nil)
        let thread = Thread { [self] in reap() }
        thread.name = "reap \(pid)"
        thread.start()
    }

    deinit { closeStdin() }

    /// Closes our end of the child's stdin pipe: the child reads EOF, exactly as when this
    /// process dies.
    func closeStdin() {
        let fd: Int32? = stdinWriter.withLock { fd in defer { fd = nil }; return fd }
        if let fd { close(fd) }
    }

    private func reap() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Exited: its code; killed by a signal: 128 + signal, as shells report it.
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        exit.withLock { $0 = code }
        closeStdin()
        let pending = waiters.withLock { list in defer { list = [] }; return list }
        pending.forEach { $0.resume(returning: code) }
    }

    /// The exit code once the child ended (128 + signal when killed), else nil.
    var exitCode: Int32? { exit.withLock { $0 } }

    /// Waits for the child to end and returns its exit code.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let done: Int32? = waiters.withLock { list in
                if let code = exit.withLock({ $0 }) { return code }
                list.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Sends `signal` to the child's whole process group.
    func signalGroup(_ signal: Int32) {
        guard exitCode == nil else { return }
        kill(-pid, signal)
    }

    /// SIGTERM to the group, then SIGKILL after `grace` seconds if it is still there.
    func terminate(grace: Double = 3) async {
        signalGroup(SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while exitCode == nil && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        kill(-pid, SIGKILL)
        _ = await wait()
    }

    /// Runs a command to completion, output captured (stdout+stderr together).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                    logPath: String? = nil) async throws -> (code: Int32, output: String) {
        let capture = logPath ?? NSTemporaryDirectory() + "cascade-run-\(UUID().uuidString).log"
        defer { if logPath == nil { try? FileManager.default.removeItem(atPath: capture) } }
        let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment, logPath: capture)
        let code = await withTaskCancellationHandler {
            await child.wait()
        } onCancel: {
            child.signalGroup(SIGKILL)
        }
        let output = (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
        return (code, output)
    }

    /// The absolute path of `name` on `PATH`, or nil.
    static func which(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
