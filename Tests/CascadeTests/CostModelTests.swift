import Testing
@testable import Cascade

@Suite struct CostModelTests {
    @Test func costIsInputTimesInputPricePlusOutputTimesOutputPrice() {
        // 420 · $0.1/M + 610 · $0.05/M = 0.000042 + 0.0000305
        let cost = CostModel.cost(promptTokens: 420, completionTokens: 610, price: Price(inputPerMillion: 0.1, outputPerMillion: 0.05))
        #expect(abs(cost - 0.0000725) < 1e-15)
    }

    @Test func baselineIsTheLastTiersRealCostWhenItRan() {
        let last = EngineFixtures.medium
        let usage = CostModel.TierUsage(tier: last, solutionPromptTokens: 100, solutionCompletionTokens: 200)
        let baseline = CostModel.baseline(last: last, lastUsage: usage, reference: nil)
        #expect(baseline.isEstimate == false)
        #expect(abs(baseline.usd - (100 * 2 + 200 * 10) / 1e6) < 1e-15)
    }

    @Test func baselineEstimateScalesSolutionsByKAndTestOutputByKTimesL() {
        // Reference k = 2, l = 2; last k = 4, l = 6: solutions ×2, test prompts ×2, test output ×6.
        let small = TierConfig(name: "small", endpoint: "e", model: "m", samples: 2, testLines: 2)
        let large = TierConfig(name: "large", endpoint: "e", model: "m", price: Price(inputPerMillion: 1, outputPerMillion: 10),
                               samples: 4, testLines: 6)
        let usage = CostModel.TierUsage(tier: small, solutionPromptTokens: 100, solutionCompletionTokens: 50,
                                        testPromptTokens: 80, testCompletionTokens: 30)
        let baseline = CostModel.baseline(last: large, lastUsage: nil, reference: usage)
        let expected: Double = (200.0 + 1000.0 + 160.0 + 1800.0) / 1e6
        #expect(baseline.isEstimate)
        #expect(abs(baseline.usd - expected) < 1e-15)
    }

    @Test func greedyLastTierBaselineDropsTheTests() {
        let small = TierConfig(name: "small", endpoint: "e", model: "m", samples: 5, testLines: 4)
        let large = TierConfig(name: "large", endpoint: "e", model: "m", price: Price(outputPerMillion: 10), samples: 0)
        let usage = CostModel.TierUsage(tier: small, solutionPromptTokens: 500, solutionCompletionTokens: 1000,
                                        testPromptTokens: 500, testCompletionTokens: 400)
        let baseline = CostModel.baseline(last: large, lastUsage: nil, reference: usage)
        #expect(abs(baseline.usd - 200 * 10 / 1e6) < 1e-15)
    }

    @Test func estimateUsesMeasuredOutputOrMaxTokens() {
        let tier = TierConfig(name: "t", endpoint: "e", model: "m", price: Price(inputPerMillion: 1, outputPerMillion: 10),
                              samples: 2, maxTokens: 300)
        // 2 solution calls + 2 test calls, 400 characters = 100 tokens each; 4 samples of output.
        let measured = CostModel.estimate(tier: tier, solutionPromptCharacters: 400, testPromptCharacters: 400, outputTokensPerSample: 50)
        #expect(abs(measured - (400 * 1 + 200 * 10) / 1e6) < 1e-15)
        let unmeasured = CostModel.estimate(tier: tier, solutionPromptCharacters: 400, testPromptCharacters: 400, outputTokensPerSample: nil)
        #expect(abs(unmeasured - (400 * 1 + 1200 * 10) / 1e6) < 1e-15)
    }
}

@Suite struct CompletionCacheTests {
    private func key(_ name: String) -> CompletionCacheKey {
        let context = PythonLanguage().context(in: "def \(name)(x):\n    \"\"\"Doc.\"\"\"\n", line: 1, utf16Column: 0)
        return CompletionCacheKey(context: context, configFingerprint: "config")
    }

    private func report(_ id: String) -> CascadeReport {
        CascadeReport(id: id, status: .passed, language: "python", entryPoint: nil, completion: "", acceptedTier: nil,
                      tiers: [], tests: [], totalCostUSD: 0, baselineCostUSD: 0, baselineIsEstimate: false, latencyMs: 0)
    }

    @Test func leastRecentlyUsedIsEvictedFirst() async {
        let cache = CompletionCache(capacity: 2)
        await cache.store(report("a"), for: key("a"))
        await cache.store(report("b"), for: key("b"))
        _ = await cache.lookup(key("a"))
        await cache.store(report("c"), for: key("c"))
        #expect(await cache.count == 2)
        #expect(await cache.lookup(key("a"))?.id == "a")
        #expect(await cache.lookup(key("b")) == nil)
        #expect(await cache.lookup(key("c"))?.id == "c")
    }

    @Test func keyDependsOnDocstringAndConfiguration() {
        let python = PythonLanguage()
        let one = python.context(in: "def f(x):\n    \"\"\"One.\"\"\"\n", line: 1, utf16Column: 0)
        let two = python.context(in: "def f(x):\n    \"\"\"Two.\"\"\"\n", line: 1, utf16Column: 0)
        #expect(CompletionCacheKey(context: one, configFingerprint: "a") != CompletionCacheKey(context: two, configFingerprint: "a"))
        #expect(CompletionCacheKey(context: one, configFingerprint: "a") != CompletionCacheKey(context: one, configFingerprint: "b"))
        #expect(CompletionCacheKey(context: one, configFingerprint: "a") == CompletionCacheKey(context: one, configFingerprint: "a"))
        let config = CascadeConfig(tiers: [EngineFixtures.small])
        #expect(CompletionCacheKey.fingerprint(of: config) != CompletionCacheKey.fingerprint(of: CascadeConfig(tiers: [EngineFixtures.medium])))
    }
}
