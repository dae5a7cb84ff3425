import Testing
@testable import Cascade

@Suite struct JavaScriptExtractionTests {
    typealias Corpus = JavaScriptOutputCorpus
    let js = JavaScriptLanguage()
    var context: CompletionContext { js.context(in: Corpus.document, line: 7, utf16Column: 0) }

    private func solution(_ raw: String) -> SolutionCandidate? {
        js.extractSolution(from: raw, for: context)
    }

    @Test func fencedOutputKeepsTheFunctionAndDropsProseExamplesAssertsAndExports() throws {
        let candidate = try #require(solution(Corpus.fencedWithProseAndExample))
        #expect(candidate.completion.hasPrefix("  for (let i = 0; i < numbers.length; i++) {\n    for (let j = i + 1;"))
        #expect(candidate.completion.hasSuffix("  return false;\n"))
        #expect(!candidate.completion.contains("console.log"))
        #expect(!candidate.completion.contains("assert"))
        #expect(!candidate.completion.contains("module.exports"))
        #expect(!candidate.completion.contains("/**"))
        #expect(candidate.program.hasPrefix("const assert = require('node:assert');\n"))
        #expect(candidate.program.hasSuffix("  return false;\n}\n"))
    }

    @Test func unfencedOutputKeepsHelpersAndRequiresAndDropsCalls() throws {
        let candidate = try #require(solution(Corpus.unfencedWithHelperAndRequire))
        #expect(candidate.completion == """
              const _ = require('lodash');

              function distance(a, b) {
                return Math.abs(a - b);
              }

              const sorted = [...numbers].sort((a, b) => a - b);
              return sorted.some((x, i) => i > 0 && distance(x, sorted[i - 1]) < threshold);

            """)
    }

    @Test func arrowExpressionBecomesAReturn() throws {
        let candidate = try #require(solution(Corpus.arrowExpression))
        #expect(candidate.completion == "  return numbers.some((a, i) => numbers.some((b, j) => i !== j && Math.abs(a - b) < threshold));\n")
    }

    @Test func repeatedSignatureTakesTheImplementedCopyAndNormalisesTabs() throws {
        let candidate = try #require(solution(Corpus.repeatedSignatureStubThenImplementation))
        #expect(candidate.completion.hasPrefix("  const seen = new Set(numbers);\n  return seen.size"))
        #expect(!candidate.completion.contains("\t"))
    }

    @Test func bodyOnlyAnswerIsUsedAsTheBody() throws {
        let candidate = try #require(solution(Corpus.bodyOnly))
        #expect(candidate.completion == "  return new Set(numbers).size < numbers.length;\n")
    }

    @Test func unclosedFenceStillYieldsTheFunction() throws {
        let candidate = try #require(solution(Corpus.unclosedFence))
        #expect(candidate.completion.hasPrefix("  const sorted = numbers.slice()"))
        #expect(candidate.completion.hasSuffix("  return false;\n"))
    }

    @Test func proseAndStubsAreNoCandidate() {
        #expect(solution(Corpus.proseOnly) == nil)
        #expect(solution("```js\nfunction hasCloseElements(numbers, threshold) {\n  throw new Error('not implemented');\n}\n```") == nil)
    }

    @Test func completionsOutputCutBeforeTheClosingBraceIsClosed() throws {
        let raw = context.promptCode + "  return numbers.length > 1;\n"
        let candidate = try #require(solution(raw))
        #expect(candidate.completion == "  return numbers.length > 1;\n")
    }

    @Test func testsAreTheFirstLDistinctAssertionsOnTheEntryPoint() {
        let tests = js.extractTests(from: Corpus.tests, for: context, limit: 10)
        #expect(tests == [
            "assert.strictEqual(hasCloseElements([1.0, 2.0, 3.0], 0.5), false);",
            "assert.strictEqual(hasCloseElements([1.0, 2.8, 3.0, 4.0], 0.3), true);",
            "assert.deepStrictEqual(hasCloseElements([], 1), false);",
            "assert.ok(hasCloseElements([5, 5], 0.1));",
            "assert.strictEqual(hasCloseElements([1, 1.05], 0.1), true);",
            "assert.ok(hasCloseElements([0, 10], 1) === false);",
        ])
        #expect(js.extractTests(from: Corpus.tests, for: context, limit: 2).count == 2)
        #expect(js.deduplicationKey(for: "assert.ok(f( 1 ))") == js.deduplicationKey(for: "assert.ok(f(1));"))
        #expect(js.deduplicationKey(for: "assert.ok(f('a b'))") != js.deduplicationKey(for: "assert.ok(f('ab'))"))
    }

    @Test func strictEqualOnAFreshArrayOrObjectBecomesDeep() {
        let raw = "assert.strictEqual(hasCloseElements([1], 2), [1, 2]);\nassert.equal(hasCloseElements([], 0), {a: 1});\nassert.strictEqual(hasCloseElements([3], 1), 3);"
        #expect(js.extractTests(from: raw, for: context, limit: 5) == [
            "assert.deepStrictEqual(hasCloseElements([1], 2), [1, 2]);",
            "assert.deepEqual(hasCloseElements([], 0), {a: 1});",
            "assert.strictEqual(hasCloseElements([3], 1), 3);",
        ])
    }

    @Test func promptsUseTheJavaScriptVocabulary() {
        let tests = PromptLibrary.tests(for: context, count: 4, js.vocabulary)
        #expect(tests.prompt.messages[1].content.contains("`assert.strictEqual(hasCloseElements(...), expected);`"))
        #expect(tests.prompt.messages[1].content.contains("function hasCloseElements(numbers, threshold) {\n  throw new Error('not implemented');\n}\n```"))
        #expect(tests.prompt.text.hasSuffix("// Tests for hasCloseElements: each line checks one input against its expected output.\nassert."))
        let solution = PromptLibrary.solution(for: context, js.vocabulary)
        #expect(solution.prompt.messages[1].content.contains("```javascript\nconst assert = require('node:assert');"))
        #expect(solution.prompt.messages[1].content.contains("function hasCloseElements(numbers, threshold) {\n  // your code here\n}\n```"))
    }

    @Test func methodTestsMustConstructTheClass() {
        let text = "class Counter {\n  increment(n) {\n  }\n}\n"
        let method = js.context(in: text, line: 1, utf16Column: 0)
        let raw = """
            ```js
            assert.strictEqual(new Counter().increment(2), 2);
            assert.strictEqual(increment(2), 2);
            const c = new Counter(); assert.strictEqual(c.increment(1), 1);
            ```
            """
        #expect(js.extractTests(from: raw, for: method, limit: 5) == ["assert.strictEqual(new Counter().increment(2), 2);"])
        let candidate = js.extractSolution(from: "```js\nclass Counter {\n  constructor() { this.value = 0; }\n  increment(n) {\n    this.value += n;\n    return this.value;\n  }\n}\n```", for: method)
        #expect(candidate?.completion == "    this.value += n;\n    return this.value;\n")
    }

    @Test func plainCompletionIsReindentedAtTheCursor() {
        let text = "function outer() {\n  function inner(x) {\n  }\n  return inner(1);\n}\n"
        let nested = js.context(in: text, line: 2, utf16Column: 0)
        #expect(js.extractPlainCompletion(from: "```js\nfunction inner(x) {\n  return x + 1;\n}\n```", for: nested) == "    return x + 1;\n")
    }
}
