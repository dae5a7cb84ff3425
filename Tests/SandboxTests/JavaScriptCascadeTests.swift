import Cascade
import Sandbox
import Testing

/// The whole engine on a JavaScript document: in-process fake models, the real sandbox.
@Suite("JavaScript cascade", .timeLimit(.minutes(1)), .enabled(if: JavaScriptFixtures.nodeWorks, "node (Node.js 20) is not usable here"))
struct JavaScriptCascadeTests {
    static let document = """
        /**
         * Return the sum of a and b.
         * @param {number} a
         * @param {number} b
         * @returns {number}
         */
        function add(a, b) {
          // TODO
        }

        """

    static let tests = """
        ```javascript
        assert.strictEqual(add(1, 2), 3);
        assert.strictEqual(add(-1, 1), 0);
        console.log(add(2, 2));
        ```
        """

    static let small = TierConfig(name: "small", endpoint: "fake", model: "fake-small", samples: 2, testLines: 4, threshold: 1.0)
    static let medium = TierConfig(name: "medium", endpoint: "fake", model: "fake-medium", samples: 2, testLines: 4, threshold: 1.0)

    @Test("wrong small-tier solutions fail their tests in Node and the cascade escalates to the tier that passes")
    func escalates() async throws {
        let wrong = "```js\nfunction add(a, b) {\n  return a - b;\n}\n\nconsole.log(add(1, 2));\n```"
        let right = "Sure:\n```javascript\nconst add = (a, b) => a + b;\n```\nThis adds the numbers."
        let models = FakeModels(["small": FakeModel(solution: wrong, tests: Self.tests), "medium": FakeModel(solution: right, tests: Self.tests)])
        let engine = CascadeEngine(
            config: CascadeConfig(tiers: [Self.small, Self.medium], execution: SandboxFixtures.limits()),
            models: models, executor: JavaScriptFixtures.executor)
        let result = try await engine.complete(
            CompletionRequest(text: Self.document, line: 7, utf16Column: 2, languageId: "javascript", uri: "file:///w/add.js"),
            progress: { _ in })
        let report = result.report
        #expect(report.language == "javascript")
        #expect(report.entryPoint == "add")
        #expect(report.status == .passed)
        #expect(report.acceptedTier == "medium")
        #expect(report.tiers.map(\.accepted) == [false, true])
        #expect(report.tiers[0].bestPassed == 0)
        #expect(report.tiers[1].bestPassed == 2)
        #expect(report.completion == "  return a + b;\n")
        #expect(report.tests == ["assert.strictEqual(add(1, 2), 3);", "assert.strictEqual(add(-1, 1), 0);"])
        #expect(result.startLine == 7 && result.endLine == 8)
    }

    @Test("a nested JavaScript function gets a plain completion, syntax-checked in Node, reported unverified")
    func nestedIsUnverifiedAndSyntaxChecked() async throws {
        let text = "function outer(xs) {\n  function inner(x) {\n  }\n  return xs.map(inner);\n}\n"
        let good = FakeModels(["small": FakeModel(solution: "```js\nfunction inner(x) {\n  return x * 2;\n}\n```", tests: "")])
        let broken = FakeModels(["small": FakeModel(solution: "```js\n  return x * ;\n```", tests: "")])
        let request = CompletionRequest(text: text, line: 2, utf16Column: 0, languageId: "javascript")
        for (models, verdict) in [(good, "syntax check passed"), (broken, "syntax check failed")] {
            let engine = CascadeEngine(config: CascadeConfig(tiers: [Self.small], execution: SandboxFixtures.limits()),
                                       models: models, executor: JavaScriptFixtures.executor)
            let report = try await engine.complete(request, progress: { _ in }).report
            #expect(report.status == .unverified)
            #expect(report.reason?.contains(verdict) == true, "\(report.reason ?? "no reason")")
        }
    }
}

/// Answers solution prompts with one text and test prompts with another, `samples` times.
struct FakeModel: CodeModel {
    let solution: String
    let tests: String

    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let isTestPrompt = request.prompt.messages.last?.content.contains("Write ") == true
            && request.prompt.messages.last?.content.contains(" tests for ") == true
        let text = isTestPrompt ? tests : solution
        return GenerationResult(texts: Array(repeating: text, count: max(request.samples, 1)),
                                promptTokens: 100, completionTokens: 50 * max(request.samples, 1), latencyMs: 1)
    }
}

struct FakeModels: CodeModelProvider {
    let models: [String: FakeModel]

    init(_ models: [String: FakeModel]) { self.models = models }

    func model(for tier: TierConfig) async throws -> any CodeModel {
        guard let model = models[tier.name] else { throw FakeModelMissing(tier: tier.name) }
        return model
    }
}

struct FakeModelMissing: Error, CustomStringConvertible {
    let tier: String
    var description: String { "no fake model for tier '\(tier)': add one to the test's FakeModels" }
}
