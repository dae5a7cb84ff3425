import Foundation
import Processes

/// The few process calls setup, doctor and the local servers make, on top of `Processes`.
enum ProcessRunner {
    /// Runs a command to completion; stdout and stderr go to `logPath` (a temporary file
    /// when nil) and are returned as text. Cancelling the task terminates the child's group.
    static func run(
        _ executable: String, _ arguments: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logPath: String? = nil
    ) async throws -> (code: Int32, output: String) {
        let capture = logPath ?? NSTemporaryDirectory() + "cascade-run-\(UUID().uuidString).log"
        defer { if logPath == nil { try? FileManager.default.removeItem(atPath: capture) } }
        let child = try ChildProcess.launch(LaunchConfiguration(
            executable: .path(executable), arguments: arguments, environment: .custom(environment), logFile: capture))
        let termination = await withTaskCancellationHandler {
            await child.waitForExit()
        } onCancel: {
            child.signalGroup(SIGKILL)
        }
        let output = (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
        switch termination {
        case .exited(let code): return (code, output)
        case .signaled(let signal): return (128 + signal, output)
        }
    }

    /// The absolute path of `name` on `PATH` (or `name` itself when it is an executable path).
    static func which(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
