import Foundation

/// Turns validated JSON into a `CascadeConfig`: defaults for omitted keys, ranges checked.
enum ConfigDecoding {
    static func config(from root: ConfigJSON, source: String) throws(ConfigError) -> CascadeConfig {
        var reader = try ConfigReader(root, source: source, path: "")
        _ = try reader.string("$schema")
        _ = try reader.string("comment")
        guard let tiersValue = reader.raw("tiers") else {
            throw reader.failure("tiers", "missing", fix: "add \"tiers\": [ { \"name\": …, \"endpoint\": …, \"model\": … } ] (at least one tier)")
        }
        guard case .array(let tierValues) = tiersValue else {
            throw reader.failure("tiers", "expected an array of tier objects, found \(tiersValue.typeName)", fix: "write \"tiers\": [ { … }, … ]")
        }
        guard !tierValues.isEmpty else {
            throw reader.failure("tiers", "is empty", fix: "add at least one tier, cheapest first")
        }
        var tiers: [TierConfig] = []
        for (index, value) in tierValues.enumerated() {
            let tier = try self.tier(value, source: source, path: "tiers[\(index)]")
            if tiers.contains(where: { $0.name == tier.name }) {
                throw ConfigError(source: source, keyPath: "tiers[\(index)].name", message: "the name \"\(tier.name)\" is used twice",
                                  fix: "give every tier its own name")
            }
            tiers.append(tier)
        }
        let execution = try reader.object("execution").map { reader throws(ConfigError) in try self.execution(reader) } ?? ExecutionConfig()
        let scoring = try reader.choice("scoring", default: ScoringRule.codet, allowed: [.codet, .paper])
        let sampling = try reader.choice("sampling", default: SamplingMode.sequential, allowed: [.sequential, .batch])
        let budget = try reader.object("budget").map { reader throws(ConfigError) in try self.budget(reader) } ?? BudgetConfig()
        try reader.finish()
        return CascadeConfig(tiers: tiers, execution: execution, scoring: scoring, sampling: sampling, budget: budget)
    }

    private static func tier(_ value: ConfigJSON, source: String, path: String) throws(ConfigError) -> TierConfig {
        var reader = try ConfigReader(value, source: source, path: path)
        let name = try reader.requiredString("name", example: "\"small\"")
        let endpoint = try reader.requiredString("endpoint", example: "\"http://127.0.0.1:8012/v1\" or \"local\"")
        if endpoint != "local" {
            let url = URL(string: endpoint)
            guard let url, url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw reader.failure("endpoint", "\"\(endpoint)\" is not an http(s) URL", fix: "use a base URL such as \"http://127.0.0.1:8012/v1\", or \"local\" for a model `cascade setup` installed")
            }
        }
        let model = try reader.requiredString("model", example: "\"qwen2.5-coder-0.5b-instruct\"")
        let api = try reader.choice("api", default: ModelAPI.chat, allowed: [.chat, .completions])
        let apiKeyEnv = try reader.string("apiKeyEnv")
        if let apiKeyEnv, apiKeyEnv.isEmpty || apiKeyEnv.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_") }) || apiKeyEnv.hasPrefix("sk-") {
            throw reader.failure("apiKeyEnv", "\"\(apiKeyEnv.prefix(6))…\" is not an environment variable name",
                                 fix: "name the variable that holds the key, e.g. \"OPENAI_API_KEY\"; never put the key itself in the file")
        }
        let defaultPrice = endpoint == "local" ? LocalModelDefaults.price(forModel: model) : Price()
        let price = try reader.object("price").map { reader throws(ConfigError) in try self.price(reader) } ?? defaultPrice
        let samples = try reader.integer("samples", default: 3, range: 0...64, rangeText: "from 0 (one greedy answer, no tests) to 64")
        let testSamples = try reader.optionalInteger("testSamples", range: 0...64, rangeText: "from 0 to 64, or omitted for as many as \"samples\"")
        let testLines = try reader.integer("testLines", default: 4, range: 0...64, rangeText: "from 0 to 64")
        let threshold = try reader.number("threshold", default: 0.5, range: 0...1, rangeText: "from 0 to 1")
        let temperature = try reader.number("temperature", default: 0.8, range: 0...2, rangeText: "from 0 to 2")
        let maxTokens = try reader.integer("maxTokens", default: 512, range: 1...1_000_000, rangeText: "from 1 to 1000000")
        let timeoutSeconds = try reader.number("timeoutSeconds", default: 120, range: 0.001...86_400, rangeText: "from 0.001 to 86400 (seconds)")
        try reader.finish()
        return TierConfig(
            name: name, endpoint: endpoint, model: model, api: api, apiKeyEnv: apiKeyEnv, price: price,
            samples: samples, testSamples: testSamples, testLines: testLines, threshold: threshold, temperature: temperature,
            maxTokens: maxTokens, timeoutSeconds: timeoutSeconds)
    }

    private static func price(_ reader: ConfigReader) throws(ConfigError) -> Price {
        var reader = reader
        let input = try reader.number("inputPerMillion", default: 0, range: 0...1_000_000, rangeText: "from 0 to 1000000 (USD per million tokens)")
        let output = try reader.number("outputPerMillion", default: 0, range: 0...1_000_000, rangeText: "from 0 to 1000000 (USD per million tokens)")
        try reader.finish()
        return Price(inputPerMillion: input, outputPerMillion: output)
    }

    private static func execution(_ reader: ConfigReader) throws(ConfigError) -> ExecutionConfig {
        var reader = reader
        let defaults = ExecutionConfig()
        let testTimeout = try reader.number("testTimeoutSeconds", default: defaults.testTimeoutSeconds, range: 0.001...3600, rangeText: "from 0.001 to 3600 (seconds)")
        let runTimeout = try reader.number("runTimeoutSeconds", default: defaults.runTimeoutSeconds, range: 0.001...86_400, rangeText: "from 0.001 to 86400 (seconds)")
        let memory = try reader.integer("memoryMB", default: defaults.memoryMB, range: 16...1_048_576, rangeText: "from 16 to 1048576")
        let parallelism = try reader.integer("parallelism", default: defaults.parallelism, range: 1...256, rangeText: "from 1 to 256")
        let sandbox = try reader.choice("sandbox", default: SandboxMode.auto, allowed: [.auto, .bwrap, .rlimits, .none])
        try reader.finish()
        return ExecutionConfig(testTimeoutSeconds: testTimeout, runTimeoutSeconds: runTimeout, memoryMB: memory, parallelism: parallelism, sandbox: sandbox)
    }

    private static func budget(_ reader: ConfigReader) throws(ConfigError) -> BudgetConfig {
        var reader = reader
        let perRequest = try reader.optionalNumber("perRequestUSD", range: 0...1_000_000, rangeText: "from 0 to 1000000, or null for no limit")
        let perDay = try reader.optionalNumber("perDayUSD", range: 0...1_000_000, rangeText: "from 0 to 1000000, or null for no limit")
        try reader.finish()
        return BudgetConfig(perRequestUSD: perRequest, perDayUSD: perDay)
    }
}
