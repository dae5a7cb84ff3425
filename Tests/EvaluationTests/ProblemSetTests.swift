import Evaluation
import Testing

@Suite struct ProblemSetTests {
    @Test func malformedLineIsReportedWithItsNumberAndTheRestStillLoad() {
        let jsonl = """
        {"task_id": "t/0", "prompt": "def f():\\n", "entry_point": "f", "test": "def check(c): pass"}
        {"task_id": "t/1", "prompt": oops}

        {"task_id": "t/2", "prompt": "def g():\\n", "entry_point": "g", "test": "def check(c): pass", "canonical_solution": "    return 1\\n"}
        """
        let set = ProblemSet.parse(jsonl: jsonl, source: "p.jsonl")
        #expect(set.problems.map(\.taskID) == ["t/0", "t/2"])
        #expect(set.malformedLines.count == 1)
        #expect(set.malformedLines.first?.hasPrefix("p.jsonl:2:") == true)
        #expect(set.problems[1].canonicalSolution == "    return 1\n")
    }

    @Test func hiddenTestCallsCheckOnTheEntryPoint() {
        let problem = Problem(taskID: "t", prompt: "def add(a, b):\n", entryPoint: "add", test: "def check(c):\n    assert c(1, 2) == 3\n")
        #expect(problem.hiddenTest.hasSuffix("check(add)\n"))
        #expect(problem.program(body: "    return a + b\n") == "def add(a, b):\n    return a + b\n")
    }
}
