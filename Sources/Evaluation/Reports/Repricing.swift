import Cascade
import Foundation

/// What the tuned cascade saves against the largest tier alone when the tiers' prices are
/// further apart than the measured ones (hosted tiers are often 10× or more).
///
/// Token counts are recorded, so every price ratio is exact: the tuner re-chooses under
/// each set of prices on the validation split (the cheapest policy at least as accurate
/// as the largest tier alone) and the choice is judged on the held-out split. The same
/// question asked on other splits, and in hindsight, comes with each row.
public struct Repricing: Sendable {
    public struct Row: Sendable {
        public var label: String
        /// Output price of the largest tier over the smallest's.
        public var ratio: Double
        public var prices: [String: Price]
        /// The question on many seeded splits; the first is the tuner's own split.
        public var study: SplitStudy
        /// The largest tier greedy (k = 0), held out.
        public var largestGreedy: PolicyScore

        /// The choice on the held-out split; nil when no policy matched on validation.
        public var tuned: PolicyScore? { study.trials[0].tuned }
        /// The largest tier alone at its configured k and l, held out.
        public var largest: PolicyScore { study.trials[0].largest }

        /// 1 − tuned cost / largest cost.
        public var saving: Double? {
            guard let tuned, largest.costPerProblemUSD > 0 else { return nil }
            return 1 - tuned.costPerProblemUSD / largest.costPerProblemUSD
        }

        /// 1 − tuned cost / largest tier greedy cost (the cheapest way to use the largest model).
        public var savingAgainstGreedy: Double? {
            guard let tuned, largestGreedy.costPerProblemUSD > 0 else { return nil }
            return 1 - tuned.costPerProblemUSD / largestGreedy.costPerProblemUSD
        }
    }

    /// The paper's 7B→34B ratio and round figures around the measured one.
    public static let ratios: [Double] = [1, 2, 5, 10.6, 20]

    /// - Parameter splits: how many seeded splits each row's study asks the question on.
    public static func rows(tuner: Tuner, splits: Int = 20) -> [Row] {
        let tiers = tuner.table.base.tiers
        let measured = Dictionary(tiers.map { ($0.name, $0.price) }, uniquingKeysWith: { first, _ in first })
        let first = tiers[0].price
        let measuredRatio = first.outputPerMillion > 0 ? (tiers[tiers.count - 1].price.outputPerMillion / first.outputPerMillion) : 1
        var cases: [(String, Double, [String: Price])] = ratios.map { ratio in
            (String(format: "%g×", ratio), ratio, scaled(tiers, ratio: ratio))
        }
        cases.append((String(format: "measured (%.2f×)", measuredRatio), measuredRatio, measured))
        cases.sort { $0.1 < $1.1 }

        let largestGreedy = CascadePolicy.greedy(tier: tiers.count - 1)
        let heldOut = tuner.split.heldOut
        return cases.map { label, ratio, prices in
            Row(label: label, ratio: ratio, prices: prices,
                study: SplitStudy.matchingLargest(tuner: tuner, splits: splits, prices: prices),
                largestGreedy: tuner.table.score(largestGreedy, on: heldOut, prices: prices))
        }
    }

    /// The first tier keeps its price; tier i costs ratio^(i/(n−1)) times as much.
    static func scaled(_ tiers: [TierConfig], ratio: Double) -> [String: Price] {
        let base = tiers[0].price
        var prices: [String: Price] = [:]
        for (index, tier) in tiers.enumerated() where prices[tier.name] == nil {
            let factor = tiers.count == 1 ? 1 : pow(ratio, Double(index) / Double(tiers.count - 1))
            prices[tier.name] = Price(inputPerMillion: base.inputPerMillion * factor, outputPerMillion: base.outputPerMillion * factor)
        }
        return prices
    }
}
