import Cascade
import Foundation

/// What the tuned cascade saves against the largest tier alone when the tiers' prices are
/// further apart than the measured ones (hosted tiers are often 10× or more).
///
/// Token counts are recorded, so every price ratio is exact: the tuner re-chooses under
/// each set of prices on the validation split (the cheapest policy at least as accurate
/// as the largest tier alone) and the choice is judged on the held-out split.
public struct Repricing: Sendable {
    public struct Row: Sendable {
        public var label: String
        /// Output price of the largest tier over the smallest's.
        public var ratio: Double
        public var prices: [String: Price]
        /// The choice on the held-out split; nil when no policy matched on validation.
        public var tuned: PolicyScore?
        /// The largest tier alone at its configured k and l, held out.
        public var largest: PolicyScore
        /// The largest tier greedy (k = 0), held out.
        public var largestGreedy: PolicyScore

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

    public static func rows(tuner: Tuner) -> [Row] {
        let tiers = tuner.table.base.tiers
        let measured = Dictionary(tiers.map { ($0.name, $0.price) }, uniquingKeysWith: { first, _ in first })
        let first = tiers[0].price
        let measuredRatio = first.outputPerMillion > 0 ? (tiers[tiers.count - 1].price.outputPerMillion / first.outputPerMillion) : 1
        var cases: [(String, Double, [String: Price])] = ratios.map { ratio in
            (String(format: "%g×", ratio), ratio, scaled(tiers, ratio: ratio))
        }
        cases.append((String(format: "measured (%.2f×)", measuredRatio), measuredRatio, measured))
        cases.sort { $0.1 < $1.1 }

        let last = tiers.count - 1
        let largest = CascadePolicy.alone(tier: last, in: tuner.table.base)
        let largestGreedy = CascadePolicy.greedy(tier: last)
        let heldOut = tuner.split.heldOut
        return cases.map { label, ratio, prices in
            let result = tuner.cheapestMatching(largest, prices: prices)
            var tuned = result.chosen.map { tuner.table.score($0.policy, on: heldOut, prices: prices) }
            tuned?.name = result.chosen?.name ?? ""
            return Row(label: label, ratio: ratio, prices: prices, tuned: tuned,
                       largest: tuner.table.score(largest, on: heldOut, prices: prices),
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
