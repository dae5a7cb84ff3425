import Glibc
import Synchronization

/// Everything `Spawner.spawn` needs, as one value that can cross to the spawning thread.
struct SpawnRequest: Sendable {
    var path: String
    var arguments: [String]
    var environment: [String: String]
    var workingDirectory: String?
    var descriptors: [ChildDescriptor]
    var isolation: ProcessIsolation

    func spawn() throws(ProcessError) -> pid_t {
        try Spawner.spawn(
            path: path, arguments: arguments, environment: environment,
            workingDirectory: workingDirectory, descriptors: descriptors, isolation: isolation)
    }
}

/// What a child's fd should be connected to.
enum ChildDescriptor: Sendable {
    /// A descriptor of ours, duplicated into the child.
    case inherit(Int32)
    /// A file opened in the child.
    case open(path: String, flags: Int32, mode: mode_t)
}

/// The one place that calls `posix_spawn`: clean signal state, a new session or group,
/// explicit fds and environment, nothing else inherited.
enum Spawner {
    /// glibc's `POSIX_SPAWN_SETSID` (2.26+); Swift does not import it without `_GNU_SOURCE`.
    private static let setSessionFlag: Int32 = 0x80
    private static let sessionsSupported = Atomic(true)

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// GNU extensions looked up at run time (nil on a libc without them).
    private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: AddChdir.self) }
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddCloseFrom.self) }

    /// Starts a child; `descriptors[i]` becomes fd i in it, every other fd is closed.
    static func spawn(
        path: String,
        arguments: [String],
        environment: [String: String],
        workingDirectory: String?,
        descriptors: [ChildDescriptor],
        isolation: ProcessIsolation
    ) throws(ProcessError) -> pid_t {
        ChildProcess.ignoreBrokenPipeSignal()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, descriptor) in descriptors.enumerated() {
            switch descriptor {
            case .inherit(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, Int32(target))
            case .open(let filePath, let flags, let mode):
                posix_spawn_file_actions_addopen(&actions, Int32(target), filePath, flags, mode)
            }
        }
        if let addCloseFrom {
            _ = addCloseFrom(&actions, Int32(descriptors.count))
        }
        if let workingDirectory {
            guard let addChdir else { throw .workingDirectoryUnsupported }
            _ = addChdir(&actions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        // Every signal back to its default action (SIGPIPE, SIGINT… may be ignored here).
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        sigdelset(&allSignals, SIGKILL)
        sigdelset(&allSignals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        switch isolation == .newSession && sessionsSupported.load(ordering: .relaxed) ? isolation : .newProcessGroup {
        case .newSession:
            flags |= setSessionFlag
        case .newProcessGroup:
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = [path] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let code = withCStringArray(argv) { argvPointer in
            withCStringArray(envp) { envPointer in
                posix_spawn(&pid, path, &actions, &attributes, argvPointer, envPointer)
            }
        }
        if code == EINVAL && isolation == .newSession && sessionsSupported.load(ordering: .relaxed) {
            // A libc older than 2.26 rejects POSIX_SPAWN_SETSID: fall back to a process group.
            sessionsSupported.store(false, ordering: .relaxed)
            return try spawn(path: path, arguments: arguments, environment: environment,
                             workingDirectory: workingDirectory, descriptors: descriptors, isolation: isolation)
        }
        guard code == 0 else { throw .spawnFailed(executable: path, errno: code) }
        return pid
    }

    private static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
