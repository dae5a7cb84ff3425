#if canImport(Glibc)
import Glibc
#endif

/// Process-wide set-up for a server that speaks on stdin/stdout.
public enum StandardIO {
    /// Keeps stdout for protocol frames only: returns a duplicate of fd 1 for the
    /// protocol and points fd 1 at stderr, so a stray `print` (ours or a library's)
    /// lands in the log instead of corrupting a frame. Also ignores SIGPIPE so a
    /// vanished client is a write error, not a silent death.
    ///
    /// - Returns: the descriptors to read requests from and write frames to.
    public static func reserveStdoutForProtocol() -> (input: Int32, output: Int32) {
        signal(SIGPIPE, SIG_IGN)
        let protocolOutput = dup(STDOUT_FILENO)
        guard protocolOutput >= 0 else { return (STDIN_FILENO, STDOUT_FILENO) }
        _ = fcntl(protocolOutput, F_SETFD, FD_CLOEXEC)
        fflush(nil)
        _ = dup2(STDERR_FILENO, STDOUT_FILENO)
        return (STDIN_FILENO, protocolOutput)
    }
}
