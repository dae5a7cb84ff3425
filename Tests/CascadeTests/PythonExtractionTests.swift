import Testing
@testable import Cascade

@Suite struct PythonExtractionTests {
    let python = PythonLanguage()
    var context: CompletionContext { python.context(in: ModelOutputCorpus.document, line: 7, utf16Column: 0) }

    private func solution(_ raw: String) -> SolutionCandidate? {
        python.extractSolution(from: raw, for: context)
    }

    @Test func fencedOutputKeepsTheFunctionAndDropsProseExampleAndAsserts() throws {
        let candidate = try #require(solution(ModelOutputCorpus.fencedWithProseAndExample))
        #expect(candidate.completion.hasPrefix("    for i in range(len(numbers)):\n"))
        #expect(candidate.completion.hasSuffix("    return False\n"))
        #expect(!candidate.completion.contains("print("))
        #expect(!candidate.completion.contains("assert"))
        #expect(!candidate.completion.contains("\"\"\""))
        // The import is already in the document, so it is not repeated.
        #expect(!candidate.completion.contains("import"))
        #expect(candidate.program.hasPrefix("from typing import List\n"))
        #expect(candidate.program.contains("    \"\"\"\n    for i in range(len(numbers)):"))
    }

    @Test func unclosedFenceStillYieldsTheFunction() throws {
        let candidate = try #require(solution(ModelOutputCorpus.unclosedFence))
        #expect(candidate.completion.hasPrefix("    sorted_numbers = sorted(numbers)\n"))
        #expect(candidate.completion.hasSuffix("    return False\n"))
    }

    @Test func unfencedOutputKeepsNewImportsAndDropsTheMainBlock() throws {
        let candidate = try #require(solution(ModelOutputCorpus.unfencedWithMainBlock))
        #expect(candidate.completion == "    import itertools\n\n    return any(abs(a - b) < threshold for a, b in itertools.combinations(numbers, 2))\n")
        #expect(!candidate.program.contains("__main__"))
    }

    @Test func tabsAreNormalisedAndHelpersNestedInTheBody() throws {
        let candidate = try #require(solution(ModelOutputCorpus.tabsAndHelper))
        #expect(candidate.completion.hasPrefix("    def _distance(a, b):\n        return abs(a - b)\n\n    for i, a in enumerate(numbers):\n        for b in numbers[i + 1:]:\n"))
        #expect(!candidate.completion.contains("\t"))
    }

    @Test func repeatedHeaderTakesTheImplementedCopy() throws {
        let candidate = try #require(solution(ModelOutputCorpus.repeatedHeader))
        #expect(candidate.completion.hasPrefix("    return any("))
    }

    @Test func bodyOnlyAnswerIsUsedAsTheBody() throws {
        let candidate = try #require(solution(ModelOutputCorpus.bodyOnly))
        #expect(candidate.completion == "    return len(set(numbers)) < len(numbers)\n")
    }

    @Test func proseAndTruncatedOutputsAreNotSolutions() {
        #expect(solution(ModelOutputCorpus.onlyProse) == nil)
        #expect(solution(ModelOutputCorpus.truncated) == nil)
        #expect(solution("```python\ndef has_close_elements(numbers, threshold):\n    pass\n```") == nil)
    }

    @Test func completionsOutputIsReadAfterItsSeed() throws {
        let prompt = PromptLibrary.solution(for: context, python.vocabulary)
        let raw = prompt.extractable("    return False\n", api: .completions)
        let candidate = try #require(solution(raw))
        #expect(candidate.completion == "    return False\n")
    }

    @Test func bodyIndentOfTheDocumentIsUsed() throws {
        let tabbed = python.context(in: "def f(x):\n\t\"\"\"Doc.\"\"\"\n", line: 1, utf16Column: 0)
        let candidate = try #require(python.extractSolution(from: "```python\ndef f(x):\n    if x:\n        return 1\n    return 2\n```", for: tabbed))
        #expect(candidate.completion == "\tif x:\n\t\treturn 1\n\treturn 2\n")
    }

    @Test func testsAreTheFirstLDistinctParsableAssertsOnTheEntryPoint() {
        let tests = python.extractTests(from: ModelOutputCorpus.testsFencedWithWrongAndExtra, for: context, limit: 5)
        #expect(tests == [
            "assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False",
            "assert has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True",
            "assert has_close_elements([], 1.0) == True",
            "assert has_close_elements([5.0, 5.05], 0.1) == True",
            "assert has_close_elements([0.0, 10.0], 1.0) == False",
        ])
        let first2 = python.extractTests(from: ModelOutputCorpus.testsFencedWithWrongAndExtra, for: context, limit: 2)
        #expect(first2.count == 2)
    }

    @Test func indentedAssertsInsideATestFunctionAreKeptWhenTheyCallTheEntryPoint() {
        let tests = python.extractTests(from: ModelOutputCorpus.testsInsideTestFunctionWithTabs, for: context, limit: 4)
        #expect(tests == ["assert has_close_elements([1.0, 2.0], 1.5) == True"])
    }

    @Test func unittestAssertionsBecomePlainAsserts() {
        let tests = python.extractTests(from: ModelOutputCorpus.testsUnittestClass, for: context, limit: 4)
        #expect(tests == [
            "assert has_close_elements([1.0, 1.05], 0.1) == True",
            "assert has_close_elements([2.0, 2.01, 9.0], 0.1)",
            "assert not (has_close_elements([1.0, 5.0], 0.5))",
        ])
    }

    @Test func doctestExamplesBecomeAsserts() {
        let raw = "```python\n>>> has_close_elements([1.0, 2.0], 0.5)\nFalse\n>>> x = 3\n>>> has_close_elements([1.0, 1.2], 0.5)\nTrue\n```"
        let tests = python.extractTests(from: raw, for: context, limit: 4)
        #expect(tests == ["assert has_close_elements([1.0, 2.0], 0.5) == False", "assert has_close_elements([1.0, 1.2], 0.5) == True"])
    }

    @Test func completionsTestOutputIsReadAfterTheAssertSeed() {
        let prompt = PromptLibrary.tests(for: context, count: 3, python.vocabulary)
        let raw = prompt.extractable("has_close_elements([1.0], 0.1) == False\nassert has_close_elements([1.0, 1.0], 0.1) == True\n", api: .completions)
        #expect(python.extractTests(from: raw, for: context, limit: 3).count == 2)
    }

    @Test func methodTestsMustConstructTheClass() {
        let stack = python.context(in: "class Stack:\n    def push(self, item):\n        \"\"\"Push.\"\"\"\n", line: 2, utf16Column: 0)
        let tests = python.extractTests(from: ModelOutputCorpus.testsMethod, for: stack, limit: 4)
        #expect(tests == ["assert Stack().push(1) == 1"])
    }

    @Test func lightSyntaxCheckCatchesUnbalancedCode() {
        #expect(PythonSyntaxCheck.problem(in: "assert f([1, 2)] == 3") != nil)
        #expect(PythonSyntaxCheck.problem(in: "assert f('abc) == 3") != nil)
        #expect(PythonSyntaxCheck.problem(in: "assert f(1) ==") != nil)
        #expect(PythonSyntaxCheck.problem(in: "assert f(\"a)b\") == 'c#'  # comment (") == nil)
        #expect(PythonSyntaxCheck.problem(in: "x = \"\"\"a\n(b\"\"\"\n") == nil)
    }

    /// The one lexer the scanner, the header search and the syntax check share.
    @Test func theLexerSeesStringsEscapesTripleQuotesAndComments() {
        func tokens(_ text: String) -> [PythonLexer.Token] {
            let chars = Array(text)
            var lexer = PythonLexer()
            var result: [PythonLexer.Token] = []
            var i = 0
            while i < chars.count {
                let (token, length) = lexer.next(chars, at: i)
                result.append(token)
                i += length
            }
            return result
        }
        #expect(tokens("f('a\\'b') # c(") == [
            .code("f"), .code("("), .stringOpen, .stringText, .escape, .stringText, .stringClose, .code(")"), .code(" "), .comment,
        ])
        #expect(tokens("\"\"\"x\n'\"\"\"") == [.stringOpen, .stringText, .stringText, .stringText, .stringClose])
        #expect(tokens("'a\nb") == [.stringOpen, .stringText, .unterminatedString, .code("b")])
        #expect(PythonScanner.headerColon(in: "def f(x: int = ':') -> str:  # a: b").map { $0.utf16Offset(in: "def f(x: int = ':') -> str:  # a: b") } == 26)
    }

    @Test func plainCompletionIsReindentedToTheCursor() {
        let plain = python.context(in: "def f():\n    return 1\n\n", line: 2, utf16Column: 0)
        let text = python.extractPlainCompletion(from: "Sure:\n```python\nx = f()\nprint(x)\n```", for: plain)
        #expect(text == "x = f()\nprint(x)\n")
    }

    @Test func nestedFunctionPlainCompletionIsItsBody() {
        let nested = python.context(in: "def outer(x):\n    def inner(y):\n        \"\"\"Add x.\"\"\"\n\n    return inner(1)\n", line: 3, utf16Column: 0)
        let text = python.extractPlainCompletion(from: "```python\ndef inner(y):\n    return x + y\n```", for: nested)
        #expect(text == "        return x + y\n")
        let program = python.syntaxCheckProgram(for: text, in: nested)
        #expect(program?.contains("compile(") == true)
    }
}
