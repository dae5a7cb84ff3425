import Cascade

/// How far one validation split's choice can be trusted.
///
/// A split of a few dozen problems is small: the policy that ties the largest tier on it
/// may lose several points on the rest by chance. So a tuning rule is applied again on
/// many seeded splits, each choice judged on its own held-out problems beside the largest
/// tier alone there; and once in hindsight, with every problem to choose on: the most any
/// choice by that rule could have found.
public struct SplitStudy: Sendable {
    /// One split: its choice and the largest tier alone, both on its held-out problems.
    public struct Trial: Sendable {
        public var seed: UInt64
        /// nil when the rule chose nothing on this split's validation problems.
        public var tuned: PolicyScore?
        public var largest: PolicyScore
    }

    public var trials: [Trial]
    /// The largest tier alone on all problems.
    public var largestOnAll: PolicyScore
    /// The rule's choice with all problems to choose on, scored on all of them.
    public var hindsight: PolicyScore?

    /// Seeds `tuner.seed`, `tuner.seed + 1`, … so the first trial is the reported split.
    /// - Parameter rule: the tuning rule, as `Tuner.tune` or `Tuner.cheapestMatching`.
    public init(tuner: Tuner, splits: Int = 20, prices: [String: Price]? = nil,
                rule: (Tuner) -> Tuner.Result) {
        let table = tuner.table
        let largest = Self.largestAlone(table.base)
        trials = (0..<UInt64(splits)).map { offset in
            var trialTuner = tuner
            trialTuner.seed = tuner.seed &+ offset
            let heldOut = trialTuner.split.heldOut
            return Trial(seed: trialTuner.seed,
                         tuned: rule(trialTuner).chosen.map { table.score($0.policy, on: heldOut, prices: prices) },
                         largest: table.score(largest, on: heldOut, prices: prices))
        }
        var everything = tuner
        everything.validationShare = 1
        largestOnAll = table.score(largest, on: Array(table.taskIDs.indices), prices: prices)
        hindsight = rule(everything).chosen
    }

    /// The paper's question at `prices`: the cheapest policy at least as accurate on
    /// validation as the largest tier alone.
    public static func matchingLargest(tuner: Tuner, splits: Int = 20, prices: [String: Price]? = nil) -> SplitStudy {
        let largest = largestAlone(tuner.table.base)
        return SplitStudy(tuner: tuner, splits: splits, prices: prices) { $0.cheapestMatching(largest, prices: prices) }
    }

    static func largestAlone(_ base: CascadeConfig) -> CascadePolicy {
        CascadePolicy.alone(tier: base.tiers.count - 1, in: base)
    }

    /// Trials where some policy matched on validation.
    public var matched: [Trial] { trials.filter { $0.tuned != nil } }

    /// Held-out accuracy of the choice minus the largest tier's, per matched split (points of 1).
    public var accuracyDifferences: [Double] { matched.map { $0.tuned!.accuracy - $0.largest.accuracy } }

    /// Held-out means over the matched splits; nil when none matched.
    public var means: (tunedAccuracy: Double, largestAccuracy: Double, tunedCostPer1000USD: Double, largestCostPer1000USD: Double)? {
        let matched = matched
        guard !matched.isEmpty else { return nil }
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(matched.count) }
        return (mean(matched.map { $0.tuned!.accuracy }), mean(matched.map(\.largest.accuracy)),
                mean(matched.map { $0.tuned!.costPer1000USD }), mean(matched.map(\.largest.costPer1000USD)))
    }

    /// 1 − the choices' held-out cost / the largest tier's, over all matched splits together.
    public var saving: Double? {
        let largest = matched.map(\.largest.costPerProblemUSD).reduce(0, +)
        guard largest > 0 else { return nil }
        return 1 - matched.map { $0.tuned!.costPerProblemUSD }.reduce(0, +) / largest
    }

    /// Splits whose choice was at least as accurate as the largest tier on held-out problems and cheaper.
    public var wins: Int {
        matched.count(where: { $0.tuned!.passed >= $0.largest.passed && $0.tuned!.costPerProblemUSD < $0.largest.costPerProblemUSD })
    }

    /// 1 − the hindsight policy's cost / the largest tier's, on all problems.
    public var hindsightSaving: Double? {
        guard let hindsight, largestOnAll.costPerProblemUSD > 0 else { return nil }
        return 1 - hindsight.costPerProblemUSD / largestOnAll.costPerProblemUSD
    }
}
