import Foundation
import Testing
import TestSupport

/// `cascade complete --json` with the real sandbox and a fake model on 127.0.0.1: the
/// examples the user wrote are run as trusted tests and counted in the report apart from
/// the model's tests.
@Suite(.timeLimit(.minutes(1)))
struct CompleteExamplesTests {
    let directory = NSTemporaryDirectory() + "cascade-examples-\(UUID().uuidString)"

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Writes `source` to `name`, runs `cascade complete --json FILE:LINE` against a model
    /// that answers every solution prompt with `solution`, and returns the report.
    func complete(_ name: String, _ source: String, line: Int, solution: String, fence: String) async throws -> [String: Any] {
        let model = try FakeModelServer.openAI(FakeOpenAIBehaviour(models: ["fake"])) { call in
            call.prompt.contains("tests for `") ? "```\(fence)\n```" : "```\(fence)\n\(solution)\n```"
        }
        defer { model.stop() }
        let config = """
            {"tiers": [{"name": "small", "endpoint": "\(model.endpoint)", "model": "fake", "samples": 2, "threshold": 0}],
             "execution": {"sandbox": "auto"}}
            """
        try config.write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
        try source.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        let binary = try BuiltCascade.path(packageRoot: CommandLineErrorTests.packageRoot)
        let outcome = try await ChildCommand.run("/usr/bin/env", [
            "CASCADE_HOME=\(directory)/home", "HOME=\(directory)", "CASCADE_CONFIG=", binary,
            "complete", "--json", "--config", directory + "/config.json", "\(directory)/\(name):\(line)",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8))
        return try #require(object as? [String: Any], "stdout: \(outcome.standardOutput)")
    }

    @Test func aPythonFunctionWithArrowExamplesGetsThemCounted() async throws {
        let source = """
            def double(x):
                \"\"\"Twice x.

                double(2) ==> 4
                double(-3) ==> -6
                \"\"\"

            """
        let report = try await complete("double.py", source, line: 1, solution: "def double(x):\n    return 2 * x", fence: "python")
        #expect(report["status"] as? String == "passed")
        #expect(report["examples"] as? [String: Int] == ["passed": 2, "total": 2])
        let tiers = try #require(report["tiers"] as? [[String: Any]])
        #expect(tiers.first?["examples"] as? [String: Int] == ["passed": 2, "total": 2])
        #expect(report["tests"] as? [String] == [], "the examples are not the model's tests")
    }

    @Test func aJavaScriptFunctionWithAnExampleBlockGetsItCounted() async throws {
        let source = """
            /**
             * Clamp value into [low, high].
             * @example
             * clamp(5, 0, 3) // => 3
             * clamp(-1, 0, 3) // => 0
             */
            function clamp(value, low, high) {
            }

            """
        let report = try await complete("clamp.js", source, line: 7, solution: "function clamp(value, low, high) {\n  return Math.min(high, Math.max(low, value));\n}", fence: "javascript")
        #expect(report["status"] as? String == "passed")
        #expect(report["examples"] as? [String: Int] == ["passed": 2, "total": 2])
    }

    @Test func aFileWithCRLFLineEndsIsCompletedLikeAnLFOne() async throws {
        let source = "import math\r\n\r\ndef double(x):\r\n    \"\"\"Twice x.\r\n\r\n    >>> double(2)\r\n    4\r\n    \"\"\"\r\n"
        let report = try await complete("crlf.py", source, line: 3, solution: "def double(x):\n    return 2 * x", fence: "python")
        #expect(report["status"] as? String == "passed")
        #expect(report["examples"] as? [String: Int] == ["passed": 1, "total": 1])
    }

    @Test func aWrongAnswerFailsTheExampleAndIsNamed() async throws {
        let source = "def double(x):\n    \"\"\"Twice x.\n\n    >>> double(2)\n    4\n    \"\"\"\n"
        let report = try await complete("wrong.py", source, line: 1, solution: "def double(x):\n    return x + 1", fence: "python")
        #expect(report["status"] as? String == "unverified")
        #expect(report["examples"] as? [String: Int] == ["passed": 0, "total": 1])
        let reason = try #require(report["reason"] as? String)
        #expect(reason.contains("`double(2)` → 4"), "\(reason)")
    }
}
