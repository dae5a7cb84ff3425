/// What one cascade did and cost (a contract editors and tools read: extend, never rename).
///
/// Returned by `cascade complete --json`, attached to every completion item as
/// `data.cascade`, and sent in `cascade/report` notifications.
public struct CascadeReport: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// A tier met its threshold.
        case passed
        /// The last tier answered without passing, or the context could not be tested.
        case unverified
        /// No usable answer.
        case failed
        case cancelled
        /// Served from the cache of verified completions, at no cost.
        case cached
    }

    public var id: String
    public var status: Status
    public var language: String
    public var entryPoint: String?
    /// The text to insert (for a function, its body, indented).
    public var completion: String
    public var acceptedTier: String?
    public var tiers: [TierReport]
    /// The tests the accepted completion was checked against.
    public var tests: [String]
    public var totalCostUSD: Double
    /// What the last tier alone would have cost for the same work.
    public var baselineCostUSD: Double
    /// True when the baseline is priced from another tier's tokens rather than measured.
    public var baselineIsEstimate: Bool
    public var latencyMs: Int
    /// Why the context could not be tested, or why the cascade failed; nil when it was.
    public var reason: String?
    /// The user's own examples (from the docstring) that the answer passed; nil when the
    /// function has none. They are not in `tests`, which holds the models' tests.
    public var examples: ExampleCounts?
    /// Imports the completion needs at module level (the answer's `moduleImports`): the
    /// editor inserts the ones the document lacks at the top of the file. Nil, never empty,
    /// when there are none, so the JSON has no `imports` key then.
    public var imports: [String]?

    public init(
        id: String, status: Status, language: String, entryPoint: String?, completion: String,
        acceptedTier: String?, tiers: [TierReport], tests: [String], totalCostUSD: Double,
        baselineCostUSD: Double, baselineIsEstimate: Bool, latencyMs: Int, reason: String? = nil,
        examples: ExampleCounts? = nil,
        imports: [String]? = nil
    ) {
        self.id = id
        self.status = status
        self.language = language
        self.entryPoint = entryPoint
        self.completion = completion
        self.acceptedTier = acceptedTier
        self.tiers = tiers
        self.tests = tests
        self.totalCostUSD = totalCostUSD
        self.baselineCostUSD = baselineCostUSD
        self.baselineIsEstimate = baselineIsEstimate
        self.latencyMs = latencyMs
        self.reason = reason
        self.examples = examples
        self.imports = imports?.isEmpty == true ? nil : imports
    }

    /// Share of the baseline not spent; negative when the cascade cost more than the last
    /// tier alone would have (a loss is a loss); nil when the baseline is zero.
    public var savedFraction: Double? {
        baselineCostUSD > 0 ? 1 - totalCostUSD / baselineCostUSD : nil
    }
}

/// How many of the user's examples an answer passed.
public struct ExampleCounts: Sendable, Equatable, Codable {
    public var passed: Int
    public var total: Int

    public init(passed: Int, total: Int) {
        self.passed = passed
        self.total = total
    }
}

/// One tier's part in a cascade.
public struct TierReport: Sendable, Equatable, Codable {
    public var name: String
    public var model: String
    /// k asked for.
    public var samples: Int
    /// |T|: the tests this tier's solutions were run against (its own and earlier tiers').
    public var tests: Int
    /// Tests of earlier tiers included in `tests`, reported separately.
    public var inheritedTests: Int
    /// The most tests any one of this tier's solutions passed.
    public var bestPassed: Int
    /// Normalised agreement score in [0, 1].
    public var score: Double
    public var threshold: Double
    public var accepted: Bool
    public var promptTokens: Int
    public var completionTokens: Int
    public var usageEstimated: Bool
    public var costUSD: Double
    public var generationMs: Int
    public var testMs: Int
    /// Set when the tier was skipped: its model failed, or the budget stopped it.
    public var error: String?
    /// The user's examples that this tier's answer passed; nil when the function has none.
    public var examples: ExampleCounts?
    /// How many candidates the tier wrote: with sequential sampling it stops at the first
    /// accepted one, so this may be fewer than `samples`. Nil when it wrote none.
    public var candidates: Int?

    public init(
        name: String, model: String, samples: Int, tests: Int, inheritedTests: Int = 0,
        bestPassed: Int, score: Double, threshold: Double, accepted: Bool, promptTokens: Int,
        completionTokens: Int, usageEstimated: Bool = false, costUSD: Double, generationMs: Int,
        testMs: Int, error: String? = nil
    ) {
        self.name = name
        self.model = model
        self.samples = samples
        self.tests = tests
        self.inheritedTests = inheritedTests
        self.bestPassed = bestPassed
        self.score = score
        self.threshold = threshold
        self.accepted = accepted
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.usageEstimated = usageEstimated
        self.costUSD = costUSD
        self.generationMs = generationMs
        self.testMs = testMs
        self.error = error
    }
}
