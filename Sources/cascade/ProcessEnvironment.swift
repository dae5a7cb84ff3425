import Foundation
import ModelClients
import Processes

/// Process-wide set-up every command shares: signals, and teardown of child processes.
enum ProcessEnvironment {
    /// Ignores SIGPIPE (a closed editor pipe must not kill us) and makes SIGINT/SIGTERM
    /// take every child process group (sandboxed runs, local model servers) down with us.
    static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        ChildProcessRegistry.installExitHandlers()
    }

    /// Stops the managed local model servers and any child still running.
    static func shutdown() async {
        await LocalServerManager.shared.stopAll()
        ChildProcessRegistry.terminateAll()
    }

    /// Writes one line to stderr.
    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
