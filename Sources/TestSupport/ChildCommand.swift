import Foundation

/// Runs a short helper command (a test's own python3, for instance) and awaits it without
/// blocking a cooperative-pool thread: `Process.waitUntilExit()` would hold one of the two
/// pool threads this machine has and stall every other suite's timers meanwhile.
public enum ChildCommand {
    public struct Outcome: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    public static func run(_ executable: String, _ arguments: [String]) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        // Files, not pipes: nothing has to drain them while the child runs.
        let base = NSTemporaryDirectory() + "cascade-child-\(UUID().uuidString)"
        let (outputFile, errorFile) = (base + ".out", base + ".err")
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outputFile)
            try? FileManager.default.removeItem(atPath: errorFile)
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputFile))
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorFile))
        process.standardOutput = output
        process.standardError = errors
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try output.close()
        try errors.close()
        return Outcome(
            status: status,
            standardOutput: (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? "")
    }
}
