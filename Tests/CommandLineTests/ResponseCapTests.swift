import Foundation
import Testing
import TestSupport

/// A model endpoint that answers with 300 MB cannot take the process's memory with it: the
/// answer is cut off at 16 MB and the run says so.
@Suite(.timeLimit(.minutes(2)))
struct ResponseCapTests {
    @Test func a300MBAnswerKeepsCascadeUnder100MBOfMemory() async throws {
        var body = Data(#"{"choices":[{"index":0,"message":{"role":"assistant","content":""#.utf8)
        body.append(Data(repeating: UInt8(ascii: "x"), count: 300 << 20))
        body.append(Data(#""}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#.utf8))
        let answer = CannedResponse(headers: ["Content-Type": "application/json"], body: body)
        let model = try FakeModelServer { _ in answer }
        defer { model.stop() }
        let directory = NSTemporaryDirectory() + "cascade-cap-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
            {"tiers": [{"name": "only", "endpoint": "\(model.endpoint)", "model": "fake", "samples": 1}]}
            """.write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
        try "def add(a, b):\n    \"\"\"Add.\"\"\"\n".write(toFile: directory + "/add.py", atomically: true, encoding: .utf8)
        let binary = try BuiltCascade.path(packageRoot: CommandLineErrorTests.packageRoot)
        // Python reports the child's peak resident memory (ru_maxrss, in kB) on its last line.
        let peak = "import resource, subprocess, sys; subprocess.run(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        let outcome = try await ChildCommand.run("/usr/bin/env", [
            "CASCADE_HOME=\(directory)/home", "HOME=\(directory)", "CASCADE_CONFIG=", "python3", "-c", peak,
            binary, "complete", "--config", directory + "/config.json", directory + "/add.py:1",
        ])
        #expect(outcome.standardError.contains("larger than 16 MB"), "stderr: \(outcome.standardError)")
        let lastLine = outcome.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        let peakKB = try #require(Int(lastLine), "stdout: \(outcome.standardOutput)")
        #expect(peakKB < 100 * 1024, "cascade peaked at \(peakKB / 1024) MB")
    }
}
