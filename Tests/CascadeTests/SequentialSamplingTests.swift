import Testing
@testable import Cascade

/// One candidate at a time, tested as it arrives, and the user's examples as trusted tests.
@Suite(.timeLimit(.minutes(1))) struct SequentialSamplingTests {
    typealias F = EngineFixtures

    /// `add(1, 2)` → 3 and `add(2, 2)` → 4, as a docstring would give them.
    static let examples = [F.exampleOneTwo, F.exampleTwoTwo]

    /// The right program passes everything; `return 3` passes only tests of `add(1, 2)`.
    static func executor() -> ScriptedExecutor {
        ScriptedExecutor { program, test in
            program.contains("return a + b") || (program.contains("return 3") && test.contains("add(1, 2)"))
        }
    }

    private func engine(
        _ tiers: [TierConfig], models: [String: ScriptedModel], examples: [UserExample] = examples,
        executor: ScriptedExecutor = executor(), sampling: SamplingMode = .sequential
    ) -> CascadeEngine {
        CascadeEngine(
            config: CascadeConfig(tiers: tiers, sampling: sampling), models: ScriptedProvider(models: models),
            executor: executor, languages: LanguageRegistry([PythonWithExamples(examples)]))
    }

    @Test func withExamplesTheFirstCandidatePassingThemAnswersAndNoTestsAreAskedFor() async throws {
        let small = ScriptedModel(solutions: [F.bad, F.good, F.good], tests: [F.testsAB])
        let report = try await engine([F.tier("small", samples: 3, threshold: 0, output: 1)], models: ["small": small])
            .complete(F.request(), progress: { _ in }).report
        #expect(report.status == .passed)
        #expect(report.completion == "    return a + b\n")
        #expect(report.examples == ExampleCounts(passed: 2, total: 2))
        #expect(report.tiers[0].examples == ExampleCounts(passed: 2, total: 2))
        #expect(report.tiers[0].candidates == 2, "the second candidate passed, so the third was never asked for")
        #expect(report.tests.isEmpty, "the examples are the tests: at θ = 0 no test samples are paid for")
        let requests = small.requests
        #expect(requests.count == 2 && !requests.contains(where: ScriptedModel.isTestPrompt))
        #expect(requests.map(\.samples) == [1, 1])
        #expect(requests.map(\.temperature) == [0, 0.8], "the first greedy, the rest at the tier's temperature")
        #expect(requests.map(\.sampleIndex) == [0, 0], "each the first of its temperature's sequence")
        // Two answers of 50 output tokens at $1 per million; nothing else was asked for.
        #expect(abs(report.totalCostUSD - 0.0001) < 1e-12)
    }

    @Test(arguments: [SamplingMode.sequential, .batch])
    func aCandidateFailingAnExampleIsNeverAcceptedAndTheExampleIsNamed(sampling: SamplingMode) async throws {
        // `return 3` passes every test the model wrote (all of add(1, 2)) but not add(2, 2) → 4.
        let tests = "```python\nassert add(1, 2) == 3\n```"
        let medium = ScriptedModel(solutions: [F.onlyOneTwo], tests: [tests])
        let report = try await engine([F.tier("medium", samples: 2, threshold: 0.5, output: 1)], models: ["medium": medium],
                                      sampling: sampling)
            .complete(F.request(), progress: { _ in }).report
        #expect(report.status == .unverified)
        #expect(report.tiers[0].accepted == false)
        #expect(report.examples == ExampleCounts(passed: 1, total: 2))
        let reason = try #require(report.reason)
        #expect(reason.contains("`add(2, 2)` → 4"), "\(reason)")
        #expect(reason.contains("none of the"), "\(reason)")
    }

    @Test func aFunctionWhoseOnlyExampleIsWrongEndsUnverifiedNamingIt() async throws {
        let wrong = UserExample(call: "add(2, 2)", expected: "5", test: "assert add(2, 2) == 5")
        let small = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        let medium = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        let report = try await engine([F.tier("small", samples: 2, threshold: 0, output: 1), F.tier("medium", samples: 2, threshold: 0, output: 2)],
                                      models: ["small": small, "medium": medium], examples: [wrong],
                                      executor: ScriptedExecutor { program, test in program.contains("return a + b") && !test.contains("== 5") })
            .complete(F.request(), progress: { _ in }).report
        #expect(report.status == .unverified)
        #expect(report.acceptedTier == "medium", "every tier tried; the last one's answer is returned, unverified")
        #expect(report.completion == "    return a + b\n")
        #expect(report.examples == ExampleCounts(passed: 0, total: 1))
        #expect(report.reason?.contains("`add(2, 2)` → 5") == true, "\(report.reason ?? "")")
        #expect(report.reason?.contains("check the example") == true)
    }

    @Test func withoutExamplesTheAgreementOverTheCandidatesSoFarDecides() async throws {
        // 0, then 1·2/(2·2) = 0.5, then 2·2/(3·2) ≈ 0.67 ≥ 0.6: accepted at the third.
        let small = ScriptedModel(solutions: [F.bad, F.good, F.good, F.good], tests: [F.testsAB])
        let report = try await engine([F.tier("small", samples: 4, threshold: 0.6, output: 1)], models: ["small": small], examples: [])
            .complete(F.request(), progress: { _ in }).report
        #expect(report.status == .passed)
        #expect(report.examples == nil)
        #expect(report.tiers[0].candidates == 3)
        #expect(abs(report.tiers[0].score - 4.0 / 6.0) < 1e-9)
        #expect(small.requests.filter(ScriptedModel.isTestPrompt).count == 1, "tests are asked for once")
        // The first candidate goes alone, so a one-at-a-time server cannot answer the tests first.
        #expect(ScriptedModel.isTestPrompt(small.requests[1]) && !ScriptedModel.isTestPrompt(small.requests[0]))
        #expect(small.maxInFlight == 1)
    }

    @Test func escalationCarriesTheExamplesAndTheCheaperTiersTests() async throws {
        // The small tier's `return 3` passes the example but none of its own tests (θ 0.5).
        let small = ScriptedModel(solutions: [F.onlyOneTwo], tests: [F.testsBC])
        let medium = ScriptedModel(solutions: [F.good], tests: [F.testsAB])
        let executor = Self.executor()
        let report = try await engine(
            [F.tier("small", samples: 3, threshold: 0.5, output: 1), F.tier("medium", samples: 2, threshold: 0.5, output: 2)],
            models: ["small": small, "medium": medium], examples: [F.exampleOneTwo], executor: executor
        ).complete(F.request(), progress: { _ in }).report
        #expect(report.status == .passed && report.acceptedTier == "medium")
        #expect(report.tiers[0].candidates == 3 && report.tiers[0].accepted == false)
        #expect(executor.recordedJobs.filter { $0.solutions[0].contains("return 3") }.count == 1,
                "the same program three times runs once")
        #expect(report.tests == ["assert add(2, 2) == 4", "assert add(0, 5) == 5"],
                "the medium tier's own tests repeat the example and the inherited ones, so none is added")
        #expect(executor.recordedJobs.last?.tests == ["assert add(1, 2) == 3", "assert add(2, 2) == 4", "assert add(0, 5) == 5"],
                "the example runs first, then the inherited tests")
        #expect(report.tiers[1].inheritedTests == 2)
    }
}
