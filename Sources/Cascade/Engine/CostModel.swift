/// Token accounting in dollars (pure): what a tier cost, what the last tier alone would
/// have cost, and what a tier is expected to cost before it runs.
public enum CostModel {
    /// The tokens one tier used, split by prompt kind so the baseline can scale them.
    public struct TierUsage: Sendable, Equatable {
        public var tier: TierConfig
        public var solutionPromptTokens: Int
        public var solutionCompletionTokens: Int
        public var testPromptTokens: Int
        public var testCompletionTokens: Int
        /// With sequential sampling, how many candidates the tier actually wrote (it stops
        /// at the first accepted one); nil for a batch of `tier.samples`.
        public var candidates: Int?

        public init(tier: TierConfig, solutionPromptTokens: Int, solutionCompletionTokens: Int,
                    testPromptTokens: Int = 0, testCompletionTokens: Int = 0) {
            self.tier = tier
            self.solutionPromptTokens = solutionPromptTokens
            self.solutionCompletionTokens = solutionCompletionTokens
            self.testPromptTokens = testPromptTokens
            self.testCompletionTokens = testCompletionTokens
        }

        public var promptTokens: Int { solutionPromptTokens + testPromptTokens }
        public var completionTokens: Int { solutionCompletionTokens + testCompletionTokens }
        public var costUSD: Double { cost(promptTokens: promptTokens, completionTokens: completionTokens, price: tier.price) }
    }

    /// input · price.input + output · price.output (prices are per million tokens).
    public static func cost(promptTokens: Int, completionTokens: Int, price: Price) -> Double {
        (Double(promptTokens) * price.inputPerMillion + Double(completionTokens) * price.outputPerMillion) / 1_000_000
    }

    /// What `last` alone would have cost: its real cost when it ran (`lastUsage`), else
    /// `reference`'s tokens priced at `last`'s prices, solutions scaled by the k ratio (for
    /// sequential sampling: as many candidates as the reference wrote, at most `last`'s k)
    /// and test output by the ratio of test samples times the l ratio. Returns the dollars
    /// and whether they are an estimate.
    public static func baseline(last: TierConfig, lastUsage: TierUsage?, reference: TierUsage?) -> (usd: Double, isEstimate: Bool) {
        if let lastUsage { return (lastUsage.costUSD, false) }
        guard let reference else { return (0, true) }
        let kRef = Double(max(reference.candidates ?? reference.tier.samples, 1))
        let kLast = Double(max(reference.candidates.map { min($0, last.samples) } ?? last.samples, 1))
        let kRatio = kLast / kRef
        let solution = cost(
            promptTokens: Int((Double(reference.solutionPromptTokens) * kRatio).rounded()),
            completionTokens: Int((Double(reference.solutionCompletionTokens) * kRatio).rounded()),
            price: last.price)
        var tests = 0.0
        if last.samples > 0 && reference.tier.samples > 0 && reference.tier.testSampleCount > 0 {
            let sampleRatio = Double(last.testSampleCount) / Double(reference.tier.testSampleCount)
            let lRatio = Double(max(last.testLines, 1)) / Double(max(reference.tier.testLines, 1))
            tests = cost(
                promptTokens: Int((Double(reference.testPromptTokens) * sampleRatio).rounded()),
                completionTokens: Int((Double(reference.testCompletionTokens) * sampleRatio * lRatio).rounded()),
                price: last.price)
        }
        return (solution + tests, true)
    }

    /// A tier's expected cost before it runs: one call per sample for solutions and for
    /// tests, prompts at ~4 characters a token, each sample's output at `outputTokensPerSample`
    /// (measured on an earlier tier of the request) or at most `maxTokens`.
    public static func estimate(tier: TierConfig, solutionPromptCharacters: Int, testPromptCharacters: Int,
                                outputTokensPerSample: Double?) -> Double {
        let calls = max(tier.samples, 1)
        let testCalls = tier.samples
        let promptTokens = calls * (solutionPromptCharacters / 4) + testCalls * (testPromptCharacters / 4)
        let perSample = min(outputTokensPerSample ?? Double(tier.maxTokens), Double(tier.maxTokens))
        let completionTokens = Int((Double(calls + testCalls) * perSample).rounded(.up))
        return cost(promptTokens: promptTokens, completionTokens: completionTokens, price: tier.price)
    }
}
