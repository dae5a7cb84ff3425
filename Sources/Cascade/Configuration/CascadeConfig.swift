/// The whole configuration of a cascade (DESIGN.md §3.2, a fixed contract).
///
/// Loading, lookup order and validation live in `ConfigLoader`; these are the plain
/// values the rest of the program reads.
public struct CascadeConfig: Sendable, Equatable, Codable {
    /// Tiers in the order they are tried: cheapest first, the last always answers.
    public var tiers: [TierConfig]
    public var execution: ExecutionConfig
    public var scoring: ScoringRule
    public var budget: BudgetConfig

    public init(
        tiers: [TierConfig],
        execution: ExecutionConfig = ExecutionConfig(),
        scoring: ScoringRule = .codet,
        budget: BudgetConfig = BudgetConfig()
    ) {
        self.tiers = tiers
        self.execution = execution
        self.scoring = scoring
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
    /// k: how many solutions (and how many test samples) this tier writes.
    public var samples: Int
    /// l: how many assert lines are kept from each test sample.
    public var testLines: Int
    /// θ: the normalised agreement score at which this tier is accepted.
    public var threshold: Double
    public var temperature: Double
    public var maxTokens: Int
    public var timeoutSeconds: Double

    public init(
        name: String, endpoint: String, model: String, api: ModelAPI = .chat,
        apiKeyEnv: String? = nil, price: Price = Price(), samples: Int = 3, testLines: Int = 4,
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
        self.testLines = testLines
        self.threshold = threshold
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.timeoutSeconds = timeoutSeconds
    }
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

public struct BudgetConfig: Sendable, Equatable, Codable {
    public var perRequestUSD: Double?
    public var perDayUSD: Double?

    public init(perRequestUSD: Double? = nil, perDayUSD: Double? = nil) {
        self.perRequestUSD = perRequestUSD
        self.perDayUSD = perDayUSD
    }
}
