import Cascade
@testable import Evaluation
import Foundation
import TestSupport
import Testing

@Suite struct HiddenTestWithoutExamplesTests {
    func example(_ call: String) -> UserExample {
        UserExample(call: call, expected: "0", test: "assert \(call) == 0")
    }

    static let hidden = """


        METADATA = {}


        def check(candidate):
            import math
            assert candidate(1, 2) == 3
            assert candidate(1,2)==3, "again"
            assert candidate([
                1, 2
            ], 3) == 6
            assert abs(candidate(0.5, 0) - 0.5) < 1e-6
            assert candidate(2, 2) == 4
            for x in range(3):
                assert candidate(1, 2) == 3
            assert math.isclose(candidate(4, 0), 4)
            assert True

        """

    @Test func removesTheAssertsInTheBodyThatRepeatAnExample() {
        let examples = [example("f(1, 2)"), example("f([1, 2], 3)"), example("round(f(0.5, 0), 2)"), example("f(9, 9)")]
        let filtered = HiddenTestWithoutExamples.removingExamples(from: Self.hidden, entryPoint: "f", examples: examples)
        #expect(filtered == """


            METADATA = {}


            def check(candidate):
                import math
                assert candidate(2, 2) == 4
                for x in range(3):
                    assert candidate(1, 2) == 3
                assert math.isclose(candidate(4, 0), 4)
                assert True

            """)
    }

    @Test func withoutExamplesTheTestIsUnchanged() {
        #expect(HiddenTestWithoutExamples.removingExamples(from: Self.hidden, entryPoint: "f", examples: []) == Self.hidden)
        let otherFunction = [example("g(1, 2)")]
        #expect(HiddenTestWithoutExamples.removingExamples(from: Self.hidden, entryPoint: "f", examples: otherFunction) == Self.hidden)
    }

    @Test func nilWhenNoAssertOnTheCandidateIsLeft() {
        let test = "def check(candidate):\n    assert candidate(1) == 2\n    assert True, \"placeholder\"\n"
        #expect(HiddenTestWithoutExamples.removingExamples(from: test, entryPoint: "f", examples: [example("f(1)")]) == nil)
        let noCall = "def check(candidate):\n    assert candidate(1) == 2\n    assert 1 + 1 == 2\n"
        #expect(HiddenTestWithoutExamples.removingExamples(from: noCall, entryPoint: "f", examples: [example("f(1)")]) == nil)
        // The candidate called outside any assert, its result checked by one: still scorable.
        let indirect = "def check(candidate):\n    assert candidate(1) == 2\n    for x in [3]:\n        y = candidate(x)\n        assert y == 4\n"
        #expect(HiddenTestWithoutExamples.removingExamples(from: indirect, entryPoint: "f", examples: [example("f(1)")])
            == "def check(candidate):\n    for x in [3]:\n        y = candidate(x)\n        assert y == 4\n")
    }

    @Test func nilWithoutACheckFunction() {
        #expect(HiddenTestWithoutExamples.removingExamples(from: "assert f(1) == 2\n", entryPoint: "f", examples: []) == nil)
    }

    // MARK: - HumanEval

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Recordings/humaneval-local").path

    /// Each committed problem with its hidden test filtered by its prompt's examples.
    static func filtered() throws -> [(problem: Problem, test: String?)] {
        let python = PythonLanguage()
        return try ProblemSet.load(path: directory + "/problems.jsonl").problems.map { problem in
            let context = try #require(python.functionContext(named: problem.entryPoint, in: problem.prompt))
            let examples = python.examples(in: context)
            return (problem, HiddenTestWithoutExamples.removingExamples(from: problem.test, entryPoint: problem.entryPoint, examples: examples))
        }
    }

    static func assertCount(_ test: String) -> Int {
        test.split(separator: "\n").filter { $0.drop(while: \.isWhitespace).hasPrefix("assert") }.count
    }

    /// 163 of the 164 problems are still scorable without their examples: only HumanEval/34
    /// (`unique`), whose one assert is its docstring's example, is not. 329 of the 1181 assert
    /// lines go, about three of every four of the prompts' 442 examples.
    @Test func almostEveryHumanEvalProblemStaysScorable() throws {
        let all = try Self.filtered()
        #expect(all.count == 164)
        #expect(all.filter { $0.test == nil }.map(\.problem.taskID) == ["HumanEval/34"])
        let before = all.map { Self.assertCount($0.problem.test) }.reduce(0, +)
        let after = all.compactMap(\.test).map(Self.assertCount).reduce(0, +)
        #expect(before - after >= 300, "\(before - after) asserts removed")
        for (problem, test) in all {
            guard let test else { continue }
            #expect(test.contains("def check(candidate):"), "\(problem.taskID)")
            #expect(Self.assertCount(test) >= 1, "\(problem.taskID)")
        }
    }

    /// Every filtered test still compiles, and still passes on the canonical solution.
    @Test(.timeLimit(.minutes(2)), .enabled(if: examplesPython != nil, "python3 not found on PATH"))
    func everyFilteredHumanEvalTestCompilesAndPassesOnTheCanonicalSolution() async throws {
        let data = try Self.filtered().compactMap { problem, test -> [String: String]? in
            guard let test else { return nil }
            return ["task": problem.taskID, "test": test, "program": problem.prompt + (problem.canonicalSolution ?? ""),
                    "entry": problem.entryPoint]
        }
        let script = """
            import json, sys
            for problem in json.load(open(sys.argv[1])):
                compile(problem["test"], "<test>", "exec")
                try:
                    exec(problem["program"] + "\\n" + problem["test"] + "\\ncheck(" + problem["entry"] + ")\\n", {})
                except Exception as error:
                    print(problem["task"], type(error).__name__, error)
            """
        let outcome = try await runPython(script, data: data)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty, "\(outcome.standardOutput)")
    }
}

/// python3 on PATH, if any.
private let examplesPython: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
    return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Runs python3 on `script` with one argument, a file holding `data` as JSON.
private func runPython(_ script: String, data: Any) async throws -> ChildCommand.Outcome {
    let input = NSTemporaryDirectory() + "cascade-hidden-\(UUID().uuidString).json"
    try JSONSerialization.data(withJSONObject: data).write(to: URL(fileURLWithPath: input))
    defer { try? FileManager.default.removeItem(atPath: input) }
    return try await ChildCommand.run(examplesPython!, ["-c", script, input])
}
