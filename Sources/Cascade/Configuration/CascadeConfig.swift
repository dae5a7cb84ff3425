/// The whole configuration of a cascade (a contract users write by hand: extend, never rename).
///
/// Loading, lookup order and validation live in `ConfigLoader`; these are the plain
/// values the rest of the program reads.
public struct CascadeConfig: Sendable, Equatable, Codable {
    /// Tiers in the order they are tried: cheapest first, the last always answers.
    public var tiers: [TierConfig]
    public var execution: ExecutionConfig
    public var scoring: ScoringRule
    /// How a tier asks for its candidates: one at a time, stopping at the first that is
    /// accepted (`sequential`), or all k at once (`batch`).
    public var sampling: SamplingMode
    public var budget: BudgetConfig

    public init(
        tiers: [TierConfig],
        execution: ExecutionConfig = ExecutionConfig(),
        scoring: ScoringRule = .codet,
        sampling: SamplingMode = .sequential,
        budget: BudgetConfig = BudgetConfig()
    ) {
        self.tiers = tiers
        self.execution = execution
        self.scoring = scoring
        self.sampling = sampling
        self.budget = budget
    }
}

/// One model in the cascade and how much work it is asked to do.
public struct TierConfig: Sendable, Equatable, Codable {
    public var name: String
    /// Base URL of an OpenAI-compatible API (`…/v1`), or `"local"` for a managed local server.
    public var endpoint: String
    public var model: String
    public var api: ModelAPI
    /// Name of the environment variable holding the API key; the key itself is never in the file.
    public var apiKeyEnv: String?
    public var price: Price
    /// k: how many solutions this tier writes (with `sequential` sampling, the most it may
    /// ask for: the first at temperature 0, the rest at `temperature`).
    public var samples: Int
    /// How many test samples this tier writes; nil for as many as `samples`. With
    /// `sequential` sampling they are only asked for when needed: when the function has no
    /// examples of its own, or when `threshold` asks for a share of them to pass.
    public var testSamples: Int?
    /// l: how many assert lines are kept from each test sample.
    public var testLines: Int
    /// θ: the normalised agreement score at which this tier is accepted (with `sequential`
    /// sampling and examples in the docstring: the share of the model's tests that a
    /// candidate passing every example must also pass).
    public var threshold: Double
    public var temperature: Double
    public var maxTokens: Int
    public var timeoutSeconds: Double

    public init(
        name: String, endpoint: String, model: String, api: ModelAPI = .chat,
        apiKeyEnv: String? = nil, price: Price = Price(), samples: Int = 3, testSamples: Int? = nil, testLines: Int = 4,
        threshold: Double = 0.5, temperature: Double = 0.8, maxTokens: Int = 512,
        timeoutSeconds: Double = 120
    ) {
        self.name = name
        self.endpoint = endpoint
        self.model = model
        self.api = api
        self.apiKeyEnv = apiKeyEnv
        self.price = price
        self.samples = samples
        self.testSamples = testSamples
        self.testLines = testLines
        self.threshold = threshold
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.timeoutSeconds = timeoutSeconds
    }
}

extension TierConfig {
    /// The number of test samples this tier asks for (`testSamples`, else `samples`).
    public var testSampleCount: Int { testSamples ?? samples }
}

public enum ModelAPI: String, Sendable, Equatable, Codable {
    /// POST `{endpoint}/chat/completions`.
    case chat
    /// POST `{endpoint}/completions`.
    case completions
}

/// Dollars per million tokens.
public struct Price: Sendable, Equatable, Codable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double

    public init(inputPerMillion: Double = 0, outputPerMillion: Double = 0) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }
}

public struct ExecutionConfig: Sendable, Equatable, Codable {
    /// Wall-clock limit of one test inside the runner.
    public var testTimeoutSeconds: Double
    /// Wall-clock limit of one solution's whole run (all its tests).
    public var runTimeoutSeconds: Double
    public var memoryMB: Int
    /// How many solution processes run at once. 4 on 2 cores: a sandboxed run mostly waits
    /// on process start-up, so more in flight than cores measured faster (README).
    public var parallelism: Int
    public var sandbox: SandboxMode

    public init(
        testTimeoutSeconds: Double = 1, runTimeoutSeconds: Double = 10, memoryMB: Int = 512,
        parallelism: Int = 4, sandbox: SandboxMode = .auto
    ) {
        self.testTimeoutSeconds = testTimeoutSeconds
        self.runTimeoutSeconds = runTimeoutSeconds
        self.memoryMB = memoryMB
        self.parallelism = parallelism
        self.sandbox = sandbox
    }
}

public enum SandboxMode: String, Sendable, Equatable, Codable {
    /// The best layer that works here (bubblewrap, else rlimits), probed once.
    case auto
    case bwrap
    case rlimits
    /// No isolation at all: only when asked for explicitly, never as a fallback.
    case none
}

public enum ScoringRule: String, Sendable, Equatable, Codable {
    /// CodeT consensus sets: |solutions| · |tests passed|.
    case codet
    /// The paper's per-cell rule: max rowsum · colsum over passing cells.
    case paper
}

public enum SamplingMode: String, Sendable, Equatable, Hashable, Codable {
    /// One candidate at a time, each tested as it arrives; the tier stops at the first
    /// candidate its acceptance rule takes, so an easy function costs one answer.
    case sequential
    /// All k candidates (and k test samples) at once, then the agreement score: the paper's
    /// method.
    case batch
}

public struct BudgetConfig: Sendable, Equatable, Codable {
    public var perRequestUSD: Double?
    public var perDayUSD: Double?

    public init(perRequestUSD: Double? = nil, perDayUSD: Double? = nil) {
        self.perRequestUSD = perRequestUSD
        self.perDayUSD = perDayUSD
    }
}
