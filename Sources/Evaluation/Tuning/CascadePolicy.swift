import Cascade

/// One tier's setting inside a policy: which tier, k solutions, l test lines per sample.
public struct TierSetting: Sendable, Hashable, Codable {
    /// Index into the base configuration's tiers.
    public var tier: Int
    /// k; 0 is one greedy answer and no tests of its own.
    public var samples: Int
    /// l (ignored when k = 0).
    public var testLines: Int

    public init(tier: Int, samples: Int, testLines: Int) {
        self.tier = tier
        self.samples = samples
        self.testLines = samples == 0 ? 0 : testLines
    }
}

/// A cascade to replay: tiers in order with their settings, and a threshold for every
/// tier but the last (which always answers).
public struct CascadePolicy: Sendable, Hashable {
    public var chain: [TierSetting]
    public var thresholds: [Double]

    public init(chain: [TierSetting], thresholds: [Double]) {
        precondition(thresholds.count == max(0, chain.count - 1), "a threshold for every tier but the last")
        self.chain = chain
        self.thresholds = thresholds
    }

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
                      thresholds: base.tiers.dropLast().map(\.threshold))
    }

    private static func configured(tier: Int, in base: CascadeConfig) -> TierSetting {
        TierSetting(tier: tier, samples: base.tiers[tier].samples, testLines: base.tiers[tier].testLines)
    }

    /// `small(k5,l4,θ0.5) → medium(k3,l4)`; `medium(greedy)`.
    public func name(in base: CascadeConfig) -> String {
        chain.enumerated().map { index, setting in
            let tier = base.tiers[setting.tier].name
            let shape = setting.samples == 0 ? "greedy" : "k\(setting.samples),l\(setting.testLines)"
            let threshold = index < thresholds.count ? ",θ\(Self.format(thresholds[index]))" : ""
            return "\(tier)(\(shape)\(threshold))"
        }.joined(separator: " → ")
    }

    /// The base configuration with this policy's tiers, k, l and θ.
    public func config(from base: CascadeConfig) -> CascadeConfig {
        var config = base
        config.tiers = chain.enumerated().map { index, setting in
            var tier = base.tiers[setting.tier]
            tier.samples = setting.samples
            tier.testLines = setting.samples == 0 ? base.tiers[setting.tier].testLines : setting.testLines
            if setting.samples == 0 { tier.temperature = 0 }
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

    public init(base: CascadeConfig, thresholds: [Double] = stride(from: 0.0, through: 1.0001, by: 0.1).map { ($0 * 10).rounded() / 10 }) {
        self.thresholds = thresholds
        let tierCount = base.tiers.count
        var chains: [[TierSetting]] = []
        for mask in 1..<(1 << tierCount) {
            let tiers = (0..<tierCount).filter { mask & (1 << $0) != 0 }
            var partial: [[TierSetting]] = [[]]
            for (position, tier) in tiers.enumerated() {
                let isLast = position == tiers.count - 1
                // A tier configured greedy keeps that setting wherever it stands.
                let options = Self.settings(of: tier, in: base, greedyAllowed: isLast || base.tiers[tier].samples == 0)
                partial = partial.flatMap { prefix in options.map { prefix + [$0] } }
            }
            chains += partial
        }
        self.chains = chains
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

    /// Every policy: each chain with every combination of thresholds.
    public var policies: [CascadePolicy] {
        chains.flatMap { chain -> [CascadePolicy] in
            var combos: [[Double]] = [[]]
            for _ in 0..<max(0, chain.count - 1) {
                combos = combos.flatMap { prefix in thresholds.map { prefix + [$0] } }
            }
            return combos.map { CascadePolicy(chain: chain, thresholds: $0) }
        }
    }
}
