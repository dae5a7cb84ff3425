/// The models `cascade setup` installs and the built-in local default cascade.
public enum LocalModelDefaults {
    public static let smallModel = "qwen2.5-coder-0.5b-instruct"
    public static let mediumModel = "qwen2.5-coder-1.5b-instruct"

    /// Nominal cost of this machine's CPU time, in USD per hour (a 2-vCPU cloud VM).
    ///
    /// A local token's price is this rate times the seconds per token measured on a
    /// 2-core AVX-512 machine (the paper's GPU $/hour × s per token).
    public static let machineUSDPerHour = 0.10

    /// Measured tokens per second: (prompt, generation).
    public static func throughput(forModel model: String) -> (prompt: Double, generation: Double)? {
        switch model {
        case smallModel: (190, 45)
        case mediumModel: (80, 26)
        default: nil
        }
    }

    /// USD per million tokens from `machineUSDPerHour` and the throughput; zero when unknown.
    public static func price(forModel model: String, promptPerSecond: Double? = nil, generationPerSecond: Double? = nil) -> Price {
        let measured = throughput(forModel: model)
        guard let prompt = promptPerSecond ?? measured?.prompt, let generation = generationPerSecond ?? measured?.generation,
              prompt > 0, generation > 0 else { return Price() }
        func perMillion(_ tokensPerSecond: Double) -> Double {
            (machineUSDPerHour * 1_000_000 / tokensPerSecond / 3600 * 1_000_000).rounded() / 1_000_000
        }
        return Price(inputPerMillion: perMillion(prompt), outputPerMillion: perMillion(generation))
    }

    /// Two local tiers, 0.5B then 1.5B, served by managed llama.cpp servers, sampling one
    /// candidate at a time: the 0.5B up to 6, then the 1.5B up to 4, each accepting the
    /// first candidate that passes the docstring's examples (θ = 0: the model's own tests
    /// are only written for functions without examples). `cascade tune` chose it on the
    /// committed HumanEval recording by 5-fold cross-validation under a budget of 60% of
    /// the self-tested 1.5B alone (README).
    public static var config: CascadeConfig {
        CascadeConfig(tiers: [
            TierConfig(name: "small", endpoint: "local", model: smallModel, api: .chat, price: price(forModel: smallModel),
                       samples: 6, testSamples: 5, testLines: 4, threshold: 0, temperature: 0.8, maxTokens: 384, timeoutSeconds: 300),
            TierConfig(name: "medium", endpoint: "local", model: mediumModel, api: .chat, price: price(forModel: mediumModel),
                       samples: 4, testSamples: 3, testLines: 4, threshold: 0, temperature: 0.8, maxTokens: 384, timeoutSeconds: 300),
        ], sampling: .sequential)
    }

    /// The defaults earlier versions' `cascade setup` wrote, as they read today. A config
    /// equal to one of them was never edited, so setup replaces it with `config` rather
    /// than keep an upgraded install on an old default (3 candidates in a batch, θ 0.5).
    public static var retired: [CascadeConfig] {
        var batchOfThree = config
        for index in batchOfThree.tiers.indices {
            batchOfThree.tiers[index].samples = 3
            batchOfThree.tiers[index].testSamples = nil
            batchOfThree.tiers[index].threshold = 0.5
        }
        return [batchOfThree]
    }
}
