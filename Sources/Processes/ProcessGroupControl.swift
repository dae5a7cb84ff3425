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

    /// Spawns from a new dedicated thread that then waits for the child: the child's parent
    /// *thread* lives exactly as long as the child.
    ///
    /// `PR_SET_PDEATHSIG` (bwrap `--die-with-parent`) fires when the parent thread exits,
    /// and a Swift pool thread exits after a few idle seconds, killing a child it spawned.
    static func spawnOnWaiterThread(
        killingGroup: Bool,
        spawn: @escaping @Sendable () throws(ProcessError) -> pid_t,
        spawned: @escaping @Sendable (Result<ProcessGroupControl, ProcessError>) -> Void,
        exited: @escaping @Sendable (Termination) -> Void
    ) {
        detachThread(name: "child") {
            let control: ProcessGroupControl
            do throws(ProcessError) {
                control = ProcessGroupControl(pid: try spawn())
            } catch {
                spawned(.failure(error))
                return
            }
            spawned(.success(control))
            exited(control.awaitExitAndReap(killingGroup: killingGroup))
        }
    }

    /// Runs `body` on a new thread (the blocking waits must not occupy the cooperative pool).
    ///
    /// Retries while the system is out of threads or pids (EAGAIN, e.g. during a fork bomb
    /// elsewhere): a lost waiter thread would leave its caller waiting forever.
    static func detachThread(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 256 << 10)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var delay: UInt32 = 200
        while true {
            var thread = pthread_t()
            let code = pthread_create(&thread, &attributes, { raw in
                Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, box)
            if code == 0 { return }
            guard code == EAGAIN else { fatalError("cannot create a thread: \(String(cString: strerror(code)))") }
            usleep(delay)
            delay = min(delay * 2, 50_000)
        }
    }
}

private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
