import Glibc

/// SIGKILL by pid without hitting a stranger who reused the pid.
///
/// A fork bomb at its cap burns through pid numbers (each failed fork takes one), so a pid
/// read from /proc or cgroup.procs a moment ago may already name someone else. With a pidfd
/// the process is pinned first and checked second: if the check passes, the pidfd names a
/// process that really was ours.
enum VerifiedKill {
    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    private typealias PidfdSendSignal = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UInt32) -> Int32
    private static let pidfdOpen: PidfdOpen? = dlsym(nil, "pidfd_open").map { unsafeBitCast($0, to: PidfdOpen.self) }
    private static let pidfdSendSignal: PidfdSendSignal? = dlsym(nil, "pidfd_send_signal").map { unsafeBitCast($0, to: PidfdSendSignal.self) }

    /// Kills `pid` if `isOurs(pid)` holds while the process is pinned.
    static func kill(_ pid: pid_t, ifStill isOurs: (pid_t) -> Bool) {
        if let pidfdOpen, let pidfdSendSignal {
            let fd = pidfdOpen(pid, 0)
            guard fd >= 0 else { return }
            defer { close(fd) }
            if isOurs(pid) { _ = pidfdSendSignal(fd, SIGKILL, nil, 0) }
        } else if isOurs(pid) {
            _ = Glibc.kill(pid, SIGKILL)
        }
    }

    /// The first `capacity` bytes of a /proc file (environ, cgroup), or nil.
    static func readProcFile(_ path: String, capacity: Int = 32 << 10) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: capacity)
        let count = read(fd, &buffer, capacity)
        guard count > 0 else { return nil }
        return Array(buffer[0..<count])
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count, let first = needle.first else { return false }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
