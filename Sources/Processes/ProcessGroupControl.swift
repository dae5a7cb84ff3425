import Foundation
import Glibc
import Synchronization

/// The pid of a live child, its group, and the rule that nobody signals the group after the
/// leader was reaped (its pid could belong to someone else by then).
final class ProcessGroupControl: Sendable {
    let pid: pid_t
    private let state = Mutex<Termination?>(nil)

    init(pid: pid_t) {
        self.pid = pid
        ChildProcessRegistry.register(group: pid)
    }

    var termination: Termination? { state.withLock { $0 } }

    /// Signals the whole group unless the leader is already reaped.
    func signalGroup(_ signal: Int32) {
        state.withLock { termination in
            if termination == nil { kill(-pid, signal) }
        }
    }

    /// Blocks the calling thread until the leader exits; kills what is left of its group
    /// (when asked), reaps it and returns how it ended.
    func awaitExitAndReap(killingGroup: Bool) -> Termination {
        var info = siginfo_t()
        // WNOWAIT: the leader stays a zombie, so its pid (= the group id) cannot be reused yet.
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        return state.withLock { termination in
            if killingGroup { kill(-pid, SIGKILL) }
            var status: Int32 = 0
            ChildProcessRegistry.unregister(group: pid) {
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            }
            let ended = Termination(waitStatus: status)
            termination = ended
            return ended
        }
    }

    /// Runs `body` on a new thread (the blocking waits must not occupy the cooperative pool).
    static func detachThread(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = 256 << 10
        thread.start()
    }
}
