import Cascade

/// The paper's budget heuristic: replay every policy on a seeded validation split, keep
/// the Pareto front of (cost, accuracy), pick the most accurate point under the budget,
/// and report it on the held-out problems.
public struct Tuner: Sendable {
    public var table: ChainTable
    public var grid: PolicyGrid
    /// Share of problems used to choose (the rest only judge the choice).
    public var validationShare: Double
    public var seed: UInt64

    /// The seed of the validation split unless one is given (the paper's arXiv number).
    public static let defaultSeed: UInt64 = 2405

    public init(table: ChainTable, grid: PolicyGrid, validationShare: Double = 0.3, seed: UInt64 = defaultSeed) {
        self.table = table
        self.grid = grid
        self.validationShare = validationShare
        self.seed = seed
    }

    /// Problem indices for choosing and for judging: a seeded shuffle, so every run splits alike.
    public var split: (validation: [Int], heldOut: [Int]) {
        let shuffled = shuffledProblems
        let count = shuffled.isEmpty ? 0 : min(shuffled.count, max(1, Int((Double(shuffled.count) * validationShare).rounded())))
        return (Array(shuffled.prefix(count)).sorted(), Array(shuffled.dropFirst(count)).sorted())
    }

    /// Every problem index in a seeded order, the same on every machine: Fisher–Yates by
    /// hand, since the standard library's shuffle may change between versions.
    var shuffledProblems: [Int] {
        var generator = SplitMix64(seed: seed)
        var shuffled = Array(table.taskIDs.indices)
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
            shuffled.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        return shuffled
    }

    /// What tuning found.
    public struct Result: Sendable {
        /// Every policy on the validation split.
        public var validation: [PolicyScore]
        /// The Pareto front of `validation`, cheapest first.
        public var front: [PolicyScore]
        /// The chosen policy on the validation split; nil when nothing fits the budget.
        public var chosen: PolicyScore?
        /// The chosen policy and the references (each tier alone at its recorded setting,
        /// each tier greedy, the base configuration's cascade, the oracle) on the held-out split.
        public var heldOut: [PolicyScore]
        public var validationCount: Int
        public var heldOutCount: Int
    }

    /// - Parameters:
    ///   - budgetUSD: the most a policy may spend per problem on average; nil for the most accurate.
    ///   - prices: tier prices to judge cost by (the base configuration's by default).
    public func tune(budgetUSD: Double?, prices: [String: Price]? = nil) -> Result {
        choose(prices: prices) { front, _ in
            // The front is cheapest first with accuracy rising: its last affordable point is the most accurate.
            front.last { budgetUSD == nil || $0.costPerProblemUSD <= budgetUSD! + 1e-12 }
        }
    }

    /// The cheapest policy at least as accurate on the validation split as `reference`
    /// (the paper's question: what does the cascade save at equal or better accuracy?).
    public func cheapestMatching(_ reference: CascadePolicy, prices: [String: Price]? = nil) -> Result {
        choose(prices: prices) { front, validation in
            let target = table.score(reference, on: validation, prices: prices).passed
            return front.first { $0.passed >= target }
        }
    }

    private func choose(prices: [String: Price]?, rule: ([PolicyScore], [Int]) -> PolicyScore?) -> Result {
        let (validation, heldOut) = split
        return choose(on: validation, judgedOn: heldOut, prices: prices, rule: rule)
    }

    /// The budget rule of `tune(budgetUSD:)`, choosing on `validation` and judged on `heldOut`.
    func tune(budgetUSD: Double?, on validation: [Int], judgedOn heldOut: [Int], prices: [String: Price]? = nil) -> Result {
        choose(on: validation, judgedOn: heldOut, prices: prices) { front, _ in
            front.last { budgetUSD == nil || $0.costPerProblemUSD <= budgetUSD! + 1e-12 }
        }
    }

    private func choose(on validation: [Int], judgedOn heldOut: [Int], prices: [String: Price]?,
                        rule: ([PolicyScore], [Int]) -> PolicyScore?) -> Result {
        let scores = grid.policies.map { table.score($0, on: validation, prices: prices) }
        let front = Self.paretoFront(scores)
        let chosen = rule(front, validation)
        var judged: [PolicyScore] = []
        if let chosen {
            var tuned = table.score(chosen.policy, on: heldOut, prices: prices)
            tuned.name = "tuned: " + tuned.name
            judged.append(tuned)
        }
        judged += references.map { reference in
            var score = table.score(reference.policy, on: heldOut, prices: prices)
            score.name = reference.name
            return score
        }
        judged.append(table.oracle(on: heldOut, prices: prices))
        return Result(validation: scores, front: front, chosen: chosen, heldOut: judged,
                      validationCount: validation.count, heldOutCount: heldOut.count)
    }

    /// The settings `cascade eval` compares, as policies: the configured cascade, each tier
    /// alone at its configured k and l, and each tier greedy.
    public var references: [(name: String, policy: CascadePolicy)] {
        let base = table.base
        return [("cascade", CascadePolicy.configured(base))]
            + base.tiers.indices.map { ("tier:\(base.tiers[$0].name)", CascadePolicy.alone(tier: $0, in: base)) }
            + base.tiers.indices.map { ("greedy:\(base.tiers[$0].name)", CascadePolicy.greedy(tier: $0)) }
    }

    /// Points no other point beats on both cost and accuracy, cheapest first; among equal
    /// points the simplest policy (fewest tiers, then smallest k) stands for them.
    public static func paretoFront(_ scores: [PolicyScore]) -> [PolicyScore] {
        let ordered = scores.sorted { a, b in
            if a.costPerProblemUSD != b.costPerProblemUSD { return a.costPerProblemUSD < b.costPerProblemUSD }
            if a.passed != b.passed { return a.passed > b.passed }
            if a.policy.chain.count != b.policy.chain.count { return a.policy.chain.count < b.policy.chain.count }
            return a.name < b.name
        }
        var front: [PolicyScore] = []
        for score in ordered where score.passed > (front.last?.passed ?? -1) {
            front.append(score)
        }
        return front
    }
}

/// A small seeded generator (SplitMix64) so a split is the same on every machine.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
