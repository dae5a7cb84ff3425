import Testing
@testable import Cascade

/// The engine with batch sampling (the paper's method: k solutions and k test samples at
/// once); `SequentialSamplingTests` covers one candidate at a time.
@Suite(.timeLimit(.minutes(1))) struct CascadeEngineTests {
    typealias F = EngineFixtures

    private func engine(
        _ tiers: [TierConfig], models: [String: ScriptedModel], executor: ScriptedExecutor = F.executor(),
        budget: Double? = nil, cache: CompletionCache? = nil
    ) -> CascadeEngine {
        CascadeEngine(
            config: CascadeConfig(tiers: tiers, sampling: .batch, budget: BudgetConfig(perRequestUSD: budget)),
            models: ScriptedProvider(models: models), executor: executor, cache: cache)
    }

    @Test func acceptedAtTheFirstTier() async throws {
        let small = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        let medium = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        let log = ProgressLog()
        let executor = F.executor()
        let result = try await engine([F.small, F.medium], models: ["small": small, "medium": medium], executor: executor)
            .complete(F.request(), progress: log.callback)
        let report = result.report
        #expect(report.status == .passed)
        #expect(report.acceptedTier == "small")
        #expect(report.entryPoint == "add")
        #expect(report.completion == "    return a + b\n")
        #expect(result.startLine == 5 && result.endLine == 5)
        #expect(report.tests == ["assert add(1, 2) == 3", "assert add(2, 2) == 4"])
        #expect(report.tiers.count == 1)
        #expect(report.tiers[0].score == 1)
        #expect(report.tiers[0].bestPassed == 2)
        #expect(medium.requests.isEmpty)
        // Three identical samples run once in the sandbox but count three times in the score.
        #expect(executor.recordedJobs.count == 1 && executor.recordedJobs[0].solutions.count == 1)
        // 300 output tokens at $1/M; the input is free.
        #expect(abs(report.totalCostUSD - 0.0003) < 1e-12)
        // The medium tier alone: 600 input at $2/M + 300 output at $10/M, estimated.
        #expect(abs(report.baselineCostUSD - 0.0042) < 1e-12)
        #expect(report.baselineIsEstimate)
        #expect(log.all == [
            .generating(tier: "small"),
            .candidate(CandidatePreview(tier: "small", index: 0, completion: "    return a + b\n", startLine: 5, endLine: 5)),
            .testing(tier: "small", passed: 2, total: 2),
            .finished(.passed),
        ])
    }

    @Test func solutionsAndTestsAreRequestedConcurrently() async throws {
        let small = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        _ = try await engine([F.small], models: ["small": small]).complete(F.request(), progress: { _ in })
        #expect(small.requests.count == 2)
        #expect(small.maxInFlight == 2)
        let solution = try #require(small.requests.first { !ScriptedModel.isTestPrompt($0) })
        #expect(solution.samples == 3)
        #expect(solution.stop == ["\n```\n"])
        #expect(!small.requests.first(where: ScriptedModel.isTestPrompt)!.prompt.messages[1].content.contains("return a + b"))
    }

    @Test func completionsAPITiersContinueTheRawPrompt() async throws {
        var tier = F.small
        tier.api = .completions
        let small = ScriptedModel(solutions: ["    return a + b\n"], tests: ["add(1, 2) == 3\nassert add(2, 2) == 4\n"])
        let report = try await engine([tier], models: ["small": small]).complete(F.request(), progress: { _ in }).report
        #expect(report.status == .passed)
        #expect(report.completion == "    return a + b\n")
        #expect(report.tests == ["assert add(1, 2) == 3", "assert add(2, 2) == 4"])
        let solution = try #require(small.requests.first { !ScriptedModel.isTestPrompt($0) })
        #expect(solution.prompt.text.hasSuffix("def add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n"))
        #expect(solution.stop.contains("\ndef "))
    }

    @Test func escalatesToTheSecondTierWithInheritedTests() async throws {
        let small = ScriptedModel(solutions: [F.bad], tests: [F.testsAB])
        let medium = ScriptedModel(solutions: [F.good], tests: [F.testsBC])
        let executor = F.executor()
        let log = ProgressLog()
        let report = try await engine([F.small, F.medium], models: ["small": small, "medium": medium], executor: executor)
            .complete(F.request(), progress: log.callback).report
        #expect(report.status == .passed)
        #expect(report.acceptedTier == "medium")
        #expect(report.tiers.map(\.accepted) == [false, true])
        #expect(report.tiers[0].score == 0)
        // small's two tests are run again on medium's solutions, plus medium's one new test.
        #expect(executor.recordedJobs[1].tests == ["assert add(1, 2) == 3", "assert add(2, 2) == 4", "assert add(0, 5) == 5"])
        #expect(report.tiers[1].tests == 3)
        #expect(report.tiers[1].inheritedTests == 2)
        #expect(report.tests.count == 3)
        #expect(log.all.contains(.escalating(from: "small", to: "medium")))
        #expect(abs(report.totalCostUSD - (0.0003 + 0.0042)) < 1e-12)
        #expect(abs(report.baselineCostUSD - 0.0042) < 1e-12)
        #expect(!report.baselineIsEstimate)
    }

    @Test func everyTierFailingLeavesTheLastTiersAnswerUnverified() async throws {
        let small = ScriptedModel(solutions: [F.bad], tests: [F.testsAB])
        let medium = ScriptedModel(solutions: [F.bad.replacing("a - b", with: "a * b")], tests: [F.testsAB])
        let report = try await engine([F.small, F.medium], models: ["small": small, "medium": medium])
            .complete(F.request(), progress: { _ in }).report
        #expect(report.status == .unverified)
        #expect(report.acceptedTier == "medium")
        #expect(report.completion == "    return a * b\n")
        #expect(report.reason?.contains("no tier reached its threshold") == true)
    }

    @Test func aTierWhoseModelFailsIsSkippedWithTheError() async throws {
        let small = ScriptedModel(solutions: [], behaviour: .fail("HTTP 503 from small; is its server running?"))
        let medium = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        let report = try await engine([F.small, F.medium], models: ["small": small, "medium": medium])
            .complete(F.request(), progress: { _ in }).report
        #expect(report.status == .passed)
        #expect(report.acceptedTier == "medium")
        #expect(report.tiers[0].error == "model failed: HTTP 503 from small; is its server running?")
        #expect(report.tiers[0].costUSD == 0)
    }

    @Test func testsOfATierWhoseSolutionsFailedArePaidForAndInherited() async throws {
        let small = ScriptedModel(solutions: [], tests: [F.testsAB], behaviour: .failSolutions("timed out after 120 s"))
        let medium = ScriptedModel(solutions: [F.good], tests: [F.testsBC])
        let report = try await engine([F.small, F.medium], models: ["small": small, "medium": medium])
            .complete(F.request(), progress: { _ in }).report
        #expect(report.status == .passed)
        #expect(report.tiers[0].error == "model failed: timed out after 120 s")
        #expect(report.tiers[0].completionTokens == 150)
        #expect(report.tiers[1].inheritedTests == 2)
        #expect(report.tiers[1].tests == 3)
    }

    @Test func equivalentTestsAcrossSamplesAreKeptOnce() async throws {
        let small = ScriptedModel(solutions: [F.good], tests: [F.testsAB, "```python\nassert add(1,2)==3\n```"])
        let report = try await engine([F.small], models: ["small": small]).complete(F.request(), progress: { _ in }).report
        #expect(report.tests == ["assert add(1, 2) == 3", "assert add(2, 2) == 4"])
    }

    @Test func everyTierFailingToAnswerIsFailed() async throws {
        let report = try await engine([F.small, F.medium], models: [:]).complete(F.request(), progress: { _ in }).report
        #expect(report.status == .failed)
        #expect(report.completion == "")
        #expect(report.reason?.contains("small: model failed: tier 'small' unreachable") == true)
        #expect(report.reason?.contains("medium: model failed") == true)
    }

    @Test func budgetStopsEscalationBeforeATierItCannotAfford() async throws {
        let small = ScriptedModel(solutions: [F.bad], tests: [F.testsAB])
        let medium = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        // small is estimated at most $0.0012 and costs $0.0003; medium's estimate (its prices
        // at small's measured 50 output tokens a sample) is above the $0.0017 left.
        let report = try await engine([F.small, F.medium], models: ["small": small, "medium": medium], budget: 0.002)
            .complete(F.request(), progress: { _ in }).report
        #expect(medium.requests.isEmpty)
        #expect(report.status == .unverified)
        #expect(report.acceptedTier == "small")
        try #require(report.tiers.count == 2)
        #expect(report.tiers[1].error?.hasPrefix("budget: tier 'medium' would cost about $") == true)
        #expect(report.reason == report.tiers[1].error)
    }

    @Test func cancellationMidTierThrowsAndStopsTheModelCalls() async throws {
        let small = ScriptedModel(solutions: [], behaviour: .hang)
        let executor = F.executor()
        let cascade = engine([F.small, F.medium], models: ["small": small], executor: executor)
        let task = Task { try await cascade.complete(F.request(), progress: { _ in }) }
        await small.waitUntilStarted()
        task.cancel()
        let error = await #expect(throws: CancelledCascade.self) { try await task.value }
        #expect(small.cancelledCalls >= 1)
        #expect(executor.recordedJobs.isEmpty)
        // The call cut off is counted: its prompt, estimated.
        #expect(error?.report.status == .cancelled)
        #expect(error?.report.tiers.map(\.name) == ["small"])
        #expect(error?.report.tiers.first?.usageEstimated == true)
        #expect((error?.report.tiers.first?.promptTokens ?? 0) > 0)
    }

    @Test func aCascadeCancelledAfterEscalatingReportsWhatEveryTierSpent() async throws {
        let small = ScriptedModel(solutions: [F.bad], tests: [F.testsAB])
        let medium = ScriptedModel(solutions: [], behaviour: .hang)
        let cascade = engine([F.small, F.medium], models: ["small": small, "medium": medium])
        let task = Task { try await cascade.complete(F.request(), progress: { _ in }) }
        await medium.waitUntilStarted()
        task.cancel()
        let error = await #expect(throws: CancelledCascade.self) { try await task.value }
        let tiers = try #require(error?.report.tiers)
        #expect(tiers.map(\.name) == ["small", "medium"])
        #expect(tiers[0].usageEstimated == false && tiers[0].costUSD > 0, "the small tier's calls returned: their usage is exact")
        #expect(tiers[1].usageEstimated == true)
        #expect(abs((error?.report.totalCostUSD ?? 0) - (tiers[0].costUSD + tiers[1].costUSD)) < 1e-12)
    }

    @Test func zeroSamplesMeansOneGreedyAnswerWithoutTests() async throws {
        let only = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        let report = try await engine([F.tier("only", samples: 0, output: 1)], models: ["only": only])
            .complete(F.request(), progress: { _ in }).report
        #expect(only.requests.count == 1)
        #expect(only.requests[0].temperature == 0)
        #expect(only.requests[0].samples == 1)
        #expect(report.status == .unverified)
        #expect(report.completion == "    return a + b\n")
        #expect(report.tiers[0].tests == 0)
    }

    @Test func zeroSamplesLastTierIsCheckedAgainstInheritedTests() async throws {
        let small = ScriptedModel(solutions: [F.bad], tests: [F.testsAB])
        let large = ScriptedModel(solutions: [F.good])
        let report = try await engine([F.small, F.tier("large", samples: 0, threshold: 1, output: 20)],
                                      models: ["small": small, "large": large])
            .complete(F.request(), progress: { _ in }).report
        #expect(report.status == .passed)
        #expect(report.tiers[1].tests == 2)
        #expect(report.tiers[1].inheritedTests == 2)
    }

    @Test func aRepeatedRequestIsServedFromTheCacheAtNoCost() async throws {
        let small = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        let cache = CompletionCache(capacity: 4)
        let cascade = engine([F.small], models: ["small": small], cache: cache)
        let first = try await cascade.complete(F.request(), progress: { _ in }).report
        let log = ProgressLog()
        // The same function in a document that changed elsewhere below it.
        let second = try await cascade.complete(F.request(F.document + "\n\nx = 1\n"), progress: log.callback)
        #expect(first.status == .passed)
        #expect(second.report.status == .cached)
        #expect(second.report.totalCostUSD == 0)
        #expect(second.report.tiers.isEmpty)
        #expect(second.report.completion == first.completion)
        #expect(second.report.id != first.id)
        #expect(small.requests.count == 2)
        #expect(log.all == [.finished(.cached)])
    }

    @Test func firstTierModeRunsOnlyTheFirstTier() async throws {
        let small = ScriptedModel(solutions: [F.bad], tests: [F.testsAB])
        let medium = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        let report = try await engine([F.small, F.medium], models: ["small": small, "medium": medium])
            .complete(F.request(mode: .firstTier), progress: { _ in }).report
        #expect(medium.requests.isEmpty)
        #expect(report.status == .unverified)
        #expect(report.reason?.contains("first-tier mode") == true)
    }

    @Test func aNestedFunctionGetsAPlainSyntaxCheckedCompletion() async throws {
        let text = "def outer(x):\n    def inner(y):\n        \"\"\"Add x.\"\"\"\n\n    return inner(1)\n"
        let medium = ScriptedModel(solutions: ["```python\ndef inner(y):\n    return x + y\n```"])
        let executor = F.executor()
        let result = try await engine([F.small, F.medium], models: ["medium": medium], executor: executor)
            .complete(F.request(text, line: 3), progress: { _ in })
        #expect(result.report.status == .unverified)
        #expect(result.report.completion == "        return x + y\n")
        #expect(result.report.reason?.contains("nested function 'inner'") == true)
        #expect(result.report.reason?.contains("syntax check passed") == true)
        #expect(result.report.acceptedTier == "medium")
        #expect(medium.requests.count == 1 && medium.requests[0].temperature == 0)
        #expect(executor.recordedJobs.count == 1 && executor.recordedJobs[0].tests.isEmpty)
        #expect(result.startLine == 3 && result.endLine == 4)
    }

    @Test func outsideAnyFunctionReportsAFailedSyntaxCheck() async throws {
        let medium = ScriptedModel(solutions: ["```python\nx = (1 +\n```"])
        let executor = ScriptedExecutor(passes: { _, _ in false }, loadError: { _ in "SyntaxError: '(' was never closed" })
        let report = try await engine([F.small, F.medium], models: ["medium": medium], executor: executor)
            .complete(F.request("import os\n\n", line: 1), progress: { _ in }).report
        #expect(report.status == .unverified)
        #expect(report.reason?.contains("not inside a function") == true)
        #expect(report.reason?.contains("syntax check failed: SyntaxError") == true)
    }

    @Test func anUnsupportedLanguageGetsAPlainCompletionNeverAnError() async throws {
        let medium = ScriptedModel(solutions: ["```rust\n    println!(\"hi\");\n```"])
        let executor = F.executor()
        let report = try await engine([F.small, F.medium], models: ["medium": medium], executor: executor)
            .complete(F.request("fn main() {\n\n}\n", line: 1, language: "rust"), progress: { _ in }).report
        #expect(report.status == .unverified)
        #expect(report.language == "rust")
        #expect(report.completion == "println!(\"hi\");\n")
        #expect(report.reason?.contains("'rust' is not supported") == true)
        #expect(executor.recordedJobs.isEmpty)
    }

    @Test func noTiersIsAnErrorThatSaysWhatToDo() async {
        let cascade = engine([], models: [:])
        await #expect(throws: CascadeEngineError.noTiers) { try await cascade.complete(F.request(), progress: { _ in }) }
    }

    @Test func methodsAreTestedInsideTheirClass() async throws {
        let text = "class Counter:\n    def __init__(self):\n        self.n = 0\n\n    def bump(self, by):\n        \"\"\"Add by to n and return n.\"\"\"\n"
        let small = ScriptedModel(
            solutions: ["```python\nclass Counter:\n    def bump(self, by):\n        self.n += by\n        return self.n\n```"],
            tests: ["```python\nassert Counter().bump(2) == 2\nc = Counter()\nassert c.bump(1) == 1\n```"])
        let executor = ScriptedExecutor { program, test in program.contains("self.n = 0") && program.contains("self.n += by") }
        let report = try await engine([F.small], models: ["small": small], executor: executor)
            .complete(F.request(text, line: 5), progress: { _ in }).report
        #expect(report.status == .passed)
        #expect(report.completion == "        self.n += by\n        return self.n\n")
        #expect(report.tests == ["assert Counter().bump(2) == 2"])
        #expect(executor.recordedJobs[0].solutions[0].hasPrefix("class Counter:\n    def __init__(self):"))
    }
}
