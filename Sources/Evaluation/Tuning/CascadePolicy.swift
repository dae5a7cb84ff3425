import Cascade

/// One tier's setting inside a policy: which tier, k solutions, l test lines per sample,
/// and how the candidates are asked for.
public struct TierSetting: Sendable, Hashable, Codable {
    /// Index into the base configuration's tiers.
    public var tier: Int
    /// k; 0 is one greedy answer and no tests of its own. With sequential sampling, the
    /// most candidates the tier may ask for.
    public var samples: Int
    /// l (ignored when k = 0).
    public var testLines: Int
    public var sampling: SamplingMode
    /// θ, for sequential sampling only: the tier stops asking at the first candidate its
    /// rule accepts, so θ changes what it spends and is part of the setting. (With batch
    /// sampling θ only decides whether the finished tier escalates: the policy's.)
    public var threshold: Double?

    public init(tier: Int, samples: Int, testLines: Int, sampling: SamplingMode = .batch, threshold: Double? = nil) {
        self.tier = tier
        self.samples = samples
        self.testLines = samples == 0 ? 0 : testLines
        self.sampling = sampling
        self.threshold = sampling == .sequential ? (threshold ?? 0) : nil
    }
}

/// A cascade to replay: tiers in order with their settings, and for batch sampling a
/// threshold for every tier but the last (which always answers); sequential settings carry
/// their own.
public struct CascadePolicy: Sendable, Hashable {
    public var chain: [TierSetting]
    public var thresholds: [Double]

    public init(chain: [TierSetting], thresholds: [Double]) {
        let sequential = chain.first?.sampling == .sequential
        precondition(chain.allSatisfy { $0.sampling == chain.first?.sampling }, "one sampling mode per policy")
        precondition(thresholds.count == (sequential ? 0 : max(0, chain.count - 1)),
                     "a threshold for every tier but the last (batch), none apart from the settings' own (sequential)")
        self.chain = chain
        self.thresholds = thresholds
    }

    public var sampling: SamplingMode { chain.first?.sampling ?? .batch }

    /// Tier `tier` of `base` alone, at its configured k and l (`tier:NAME` in `cascade eval`).
    public static func alone(tier: Int, in base: CascadeConfig) -> CascadePolicy {
        CascadePolicy(chain: [configured(tier: tier, in: base)], thresholds: [])
    }

    /// Tier `tier` alone, one answer at temperature 0 (`greedy:NAME`).
    public static func greedy(tier: Int) -> CascadePolicy {
        CascadePolicy(chain: [TierSetting(tier: tier, samples: 0, testLines: 0)], thresholds: [])
    }

    /// Every tier of `base` with its configured k, l and θ (`cascade`).
    public static func configured(_ base: CascadeConfig) -> CascadePolicy {
        CascadePolicy(chain: base.tiers.indices.map { configured(tier: $0, in: base) },
                      thresholds: base.sampling == .sequential ? [] : base.tiers.dropLast().map(\.threshold))
    }

    private static func configured(tier: Int, in base: CascadeConfig) -> TierSetting {
        let config = base.tiers[tier]
        return TierSetting(tier: tier, samples: config.samples, testLines: config.testLines,
                           sampling: base.sampling, threshold: config.threshold)
    }

    /// `small(k5,l4,θ0.5) → medium(k3,l4)`; `medium(greedy)`; sequential sampling:
    /// `small(≤6,l4,θ0.0) → medium(≤4,l4,θ0.5)` (at most 6 candidates, one at a time).
    public func name(in base: CascadeConfig) -> String {
        chain.enumerated().map { index, setting in
            let tier = base.tiers[setting.tier].name
            if let threshold = setting.threshold {
                return "\(tier)(≤\(setting.samples),l\(setting.testLines),θ\(Self.format(threshold)))"
            }
            let shape = setting.samples == 0 ? "greedy" : "k\(setting.samples),l\(setting.testLines)"
            let threshold = index < thresholds.count ? ",θ\(Self.format(thresholds[index]))" : ""
            return "\(tier)(\(shape)\(threshold))"
        }.joined(separator: " → ")
    }

    /// The base configuration with this policy's tiers, k, l, θ and sampling mode; test
    /// samples stay as many as the base tier asks for.
    public func config(from base: CascadeConfig) -> CascadeConfig {
        var config = base
        config.sampling = sampling
        config.tiers = chain.enumerated().map { index, setting in
            var tier = base.tiers[setting.tier]
            if setting.sampling == .sequential { tier.testSamples = tier.testSampleCount }
            tier.samples = setting.samples
            tier.testLines = setting.samples == 0 ? base.tiers[setting.tier].testLines : setting.testLines
            if setting.samples == 0 { tier.temperature = 0 }
            if let threshold = setting.threshold { tier.threshold = threshold }
            if index < thresholds.count { tier.threshold = thresholds[index] }
            return tier
        }
        config.budget = BudgetConfig()
        return config
    }

    /// 0.5 → "0.5", 0.25 → "0.25", 1 → "1.0" (two decimals at most, one at least).
    /// By hand: `String(format:)` is slow on Linux and tuning names millions of policies.
    static func format(_ threshold: Double) -> String {
        let hundredths = Int((threshold * 100).rounded())
        let fraction = hundredths % 100
        let decimals = fraction % 10 == 0 ? "\(fraction / 10)" : (fraction < 10 ? "0\(fraction)" : "\(fraction)")
        return "\(hundredths / 100).\(decimals)"
    }
}

/// Every policy the tuner considers, built from the largest recorded setting of each tier.
public struct PolicyGrid: Sendable {
    /// The thresholds tried on every tier but the last.
    public var thresholds: [Double]
    /// The chains: every non-empty sequence of tiers in cost order, each tier with every
    /// k ≤ its recorded k and l ≤ its recorded l; k = 0 (greedy) only as a chain's last
    /// tier, or where the configuration itself has it.
    public var chains: [[TierSetting]]

    /// θ tried on sequential settings (with sequential sampling θ is part of every tier's
    /// setting, so each value multiplies the chains to replay; the configured ones are added).
    public var sequentialThresholds: [Double]

    public init(
        base: CascadeConfig, thresholds: [Double] = stride(from: 0.0, through: 1.0001, by: 0.1).map { ($0 * 10).rounded() / 10 },
        sequentialThresholds: [Double] = [0, 0.5, 1]
    ) {
        self.thresholds = thresholds
        self.sequentialThresholds = Array(Set(sequentialThresholds + base.tiers.map(\.threshold))).sorted()
        // Batch: every (k, l) up to the recorded ones per tier.
        let batch = Self.chains(tierCount: base.tiers.count) { tier, isLast in
            // A tier configured greedy keeps that setting wherever it stands.
            Self.settings(of: tier, in: base, greedyAllowed: isLast || base.tiers[tier].samples == 0)
        }
        // Sequential sampling: every tier asks for at most k candidates (k ≤ what the
        // recording holds), keeps its recorded l, and stops at the first its θ accepts.
        let sequential = Self.chains(tierCount: base.tiers.count) { [thresholds = self.sequentialThresholds] tier, _ in
            let recorded = base.tiers[tier]
            return stride(from: Self.sequentialLimit(of: recorded, recordedIn: base.sampling), through: 1, by: -1).flatMap { samples in
                thresholds.map { TierSetting(tier: tier, samples: samples, testLines: max(recorded.testLines, 1),
                                             sampling: .sequential, threshold: $0) }
            }
        }
        chains = batch + sequential
    }

    /// Every non-empty sequence of tiers in cost order, each tier with every one of its
    /// `options` (given whether it is the sequence's last).
    static func chains(tierCount: Int, options: (_ tier: Int, _ isLast: Bool) -> [TierSetting]) -> [[TierSetting]] {
        (1..<(1 << tierCount)).flatMap { mask -> [[TierSetting]] in
            let tiers = (0..<tierCount).filter { mask & (1 << $0) != 0 }
            var partial: [[TierSetting]] = [[]]
            for (position, tier) in tiers.enumerated() {
                let choices = options(tier, position == tiers.count - 1)
                partial = partial.flatMap { prefix in choices.map { prefix + [$0] } }
            }
            return partial
        }
    }

    /// The most candidates a sequential setting can replay: a batch recording of k samples
    /// also holds each tier's greedy answer (`greedy:NAME`), which is the first candidate,
    /// so k + 1; a sequential recording, its k.
    static func sequentialLimit(of tier: TierConfig, recordedIn sampling: SamplingMode) -> Int {
        sampling == .batch ? tier.samples + 1 : max(tier.samples, 1)
    }

    /// Largest first, so a run that must go to the sandbox records every pair the smaller ones need.
    static func settings(of tier: Int, in base: CascadeConfig, greedyAllowed: Bool) -> [TierSetting] {
        let recorded = base.tiers[tier]
        var result: [TierSetting] = []
        for samples in stride(from: recorded.samples, through: 1, by: -1) {
            for lines in stride(from: max(recorded.testLines, 1), through: 1, by: -1) {
                result.append(TierSetting(tier: tier, samples: samples, testLines: lines))
            }
        }
        if greedyAllowed { result.append(TierSetting(tier: tier, samples: 0, testLines: 0)) }
        return result
    }

    /// Every policy: each batch chain with every combination of thresholds, and each
    /// sequential chain (its thresholds are its settings').
    public var policies: [CascadePolicy] {
        chains.flatMap { chain -> [CascadePolicy] in
            if chain.first?.sampling == .sequential { return [CascadePolicy(chain: chain, thresholds: [])] }
            var combos: [[Double]] = [[]]
            for _ in 0..<max(0, chain.count - 1) {
                combos = combos.flatMap { prefix in thresholds.map { prefix + [$0] } }
            }
            return combos.map { CascadePolicy(chain: chain, thresholds: $0) }
        }
    }
}
