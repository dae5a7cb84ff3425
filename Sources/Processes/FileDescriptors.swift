import Glibc

/// Small wrappers over raw descriptors. Every descriptor we create is close-on-exec and
/// at least 10, so it can never collide with the 0–3 we map into a child.
enum FileDescriptors {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    /// `pipe2` is a GNU extension Swift does not import; fall back to pipe + fcntl without it.
    private static let pipe2: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }

    /// A pipe as (read end, write end), both close-on-exec.
    static func pipe() throws(ProcessError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        if let pipe2 {
            guard pipe2(&fds, O_CLOEXEC) == 0 else { throw .pipeFailed(errno: errno) }
        } else {
            guard Glibc.pipe(&fds) == 0 else { throw .pipeFailed(errno: errno) }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        do {
            let read = try raise(fds[0])
            let write = try raise(fds[1])
            return (read, write)
        } catch {
            Glibc.close(fds[0]); Glibc.close(fds[1])
            throw error
        }
    }

    /// Moves `fd` to a number ≥ 10 (close-on-exec), closing the original.
    private static func raise(_ fd: Int32) throws(ProcessError) -> Int32 {
        if fd >= 10 { return fd }
        let moved = fcntl(fd, F_DUPFD_CLOEXEC, Int32(10))
        guard moved >= 0 else { throw .pipeFailed(errno: errno) }
        Glibc.close(fd)
        return moved
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// Writes every byte, retrying on EINTR; false when the reader is gone.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }
}

/// Monotonic time in nanoseconds.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
