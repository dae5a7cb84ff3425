import Dispatch
import Glibc
import Synchronization

/// Every process group this program started and has not reaped yet, so the command line
/// can take them all down when it exits or is interrupted.
public enum ChildProcessRegistry {
    private static let groups = Mutex<Set<Int32>>([])
    /// Kept alive for the program's lifetime once installed.
    private static let signalSources = Mutex<[any DispatchSourceSignal]>([])

    /// Process groups still alive (their leader not yet reaped).
    public static var activeProcessGroups: Set<Int32> { groups.withLock { $0 } }

    static func register(group: Int32) {
        _ = groups.withLock { $0.insert(group) }
    }

    /// Removes `group`, then runs `reap` while no one can signal it: after this a reused
    /// pid can never be hit by `terminateAll`.
    static func unregister(group: Int32, then reap: () -> Void) {
        groups.withLock { groups in
            groups.remove(group)
            reap()
        }
    }

    /// Sends SIGKILL to every registered group (after SIGTERM and `grace`, if given).
    /// Synchronous, so it can run from `atexit`.
    public static func terminateAll(grace: Duration = .zero) {
        if grace > .zero {
            groups.withLock { $0.forEach { kill(-$0, SIGTERM) } }
            var request = timespec(tv_sec: Int(grace.components.seconds), tv_nsec: Int(grace.components.attoseconds / 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
        }
        groups.withLock { $0.forEach { kill(-$0, SIGKILL) } }
    }

    /// Kills every child group at normal exit and on SIGINT/SIGTERM (then exits 130/143).
    /// Call once, early, from the command line's entry point.
    public static func installExitHandlers() {
        signalSources.withLock { sources in
            guard sources.isEmpty else { return }
            atexit { ChildProcessRegistry.terminateAll() }
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    ChildProcessRegistry.terminateAll()
                    exit(128 + sig)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
