import Cascade

/// k-fold cross-validation of the budget rule: the problems are shuffled (seeded) into k
/// folds; for each fold the rule chooses on the other k − 1 and the choice is judged on
/// that fold. Every problem is held out exactly once, so the pooled held-out result is an
/// honest estimate of what the rule does on problems it did not choose on; the config
/// written is the rule's choice on every problem.
public struct CrossValidation: Sendable {
    public struct Fold: Sendable {
        /// The rule's choice, scored on the problems it chose on; nil when nothing fit the budget.
        public var chosen: PolicyScore?
        /// That choice on this fold's problems.
        public var heldOut: PolicyScore?
        /// The largest tier alone, at its recorded setting, on this fold's problems.
        public var largestAlone: PolicyScore
    }

    public var folds: [Fold]
    /// The held-out results of every fold added up: each problem judged once, by the choice
    /// made without it.
    public var pooled: PolicyScore
    public var pooledLargestAlone: PolicyScore
    /// The rule's choice with every problem to choose on (what `cascade tune` writes).
    public var final: Tuner.Result
    public var foldCount: Int
    public var seed: UInt64

    public static let defaultFolds = 5

    public init(tuner: Tuner, budgetUSD: Double?, folds: Int = defaultFolds, prices: [String: Price]? = nil) {
        let table = tuner.table
        let count = table.taskIDs.count
        let foldCount = max(2, min(folds, count))
        let shuffled = tuner.shuffledProblems
        let largest = CascadePolicy.alone(tier: table.base.tiers.count - 1, in: table.base)
        var results: [Fold] = []
        var pooled = PolicyScore(policy: largest, name: "cross-validated choice", passed: 0, problems: 0,
                                 costPerProblemUSD: 0, outputCostPerProblemUSD: 0, meanLatencyMs: 0, answeredBy: [:])
        var pooledLargest = table.score(largest, on: [], prices: prices)
        pooledLargest.name = "tier:\(table.base.tiers[table.base.tiers.count - 1].name)"
        for fold in 0..<foldCount {
            let heldOut = shuffled.indices.filter { $0 % foldCount == fold }.map { shuffled[$0] }.sorted()
            let training = shuffled.indices.filter { $0 % foldCount != fold }.map { shuffled[$0] }.sorted()
            let result = tuner.tune(budgetUSD: budgetUSD, on: training, judgedOn: heldOut, prices: prices)
            let judged = result.chosen.map { table.score($0.policy, on: heldOut, prices: prices) }
            let alone = table.score(largest, on: heldOut, prices: prices)
            results.append(Fold(chosen: result.chosen, heldOut: judged, largestAlone: alone))
            if let judged { pooled.add(judged) }
            pooledLargest.add(alone)
        }
        self.folds = results
        self.pooled = pooled
        self.pooledLargestAlone = pooledLargest
        self.final = tuner.tune(budgetUSD: budgetUSD, on: Array(0..<count), judgedOn: Array(0..<count), prices: prices)
        self.foldCount = foldCount
        self.seed = tuner.seed
    }
}

extension PolicyScore {
    /// Folds `other` (a score on other problems) into this one, weighting by problems.
    mutating func add(_ other: PolicyScore) {
        let total = Double(problems + other.problems)
        guard total > 0 else { return }
        let (mine, theirs) = (Double(problems) / total, Double(other.problems) / total)
        costPerProblemUSD = costPerProblemUSD * mine + other.costPerProblemUSD * theirs
        outputCostPerProblemUSD = outputCostPerProblemUSD * mine + other.outputCostPerProblemUSD * theirs
        meanLatencyMs = meanLatencyMs * mine + other.meanLatencyMs * theirs
        passed += other.passed
        problems += other.problems
        scorableWithoutExamples += other.scorableWithoutExamples
        passedWithoutExamples += other.passedWithoutExamples
        answeredBy.merge(other.answeredBy, uniquingKeysWith: +)
    }
}
