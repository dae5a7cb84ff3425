import Cascade
import Foundation

/// What one tier of a chain spent and scored on one problem.
public struct TierSpend: Sendable, Equatable, Codable {
    public var name: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var score: Double
}

/// What a chain of tiers did on one problem when no tier but the last was allowed to
/// accept: the answer of its last tier, and every tier's spend and score on the way.
public struct ChainRun: Sendable, Equatable, Codable {
    public var passedHiddenTest: Bool
    /// Against the hidden test without the examples' cases; nil when none is left.
    public var passedWithoutExamples: Bool?
    public var tiers: [TierSpend]
    public var latencyMs: Double
    public var answeredBy: String?
}

/// One policy over a set of problems, priced.
public struct PolicyScore: Sendable, Equatable {
    public var policy: CascadePolicy
    public var name: String
    public var passed: Int
    public var problems: Int
    /// Input and output tokens priced, per problem.
    public var costPerProblemUSD: Double
    /// Output tokens only (the paper's count), per problem.
    public var outputCostPerProblemUSD: Double
    public var meanLatencyMs: Double
    public var answeredBy: [String: Int]
    /// Against the hidden test without the examples' cases: problems still scorable that
    /// way, and how many passed.
    public var scorableWithoutExamples = 0
    public var passedWithoutExamples = 0

    public var accuracy: Double { Double(passed) / Double(max(1, problems)) }
    public var accuracyWithoutExamples: Double { Double(passedWithoutExamples) / Double(max(1, scorableWithoutExamples)) }
    public var costPer1000USD: Double { costPerProblemUSD * 1000 }
}

/// Every chain's run on every problem, from which any policy's outcome follows without
/// running anything again.
///
/// A batch cascade answers at the first tier whose score reaches its threshold. That tier's
/// score depends only on the tiers before it (their tests are inherited), never on
/// thresholds, so a policy's outcome is the run of the chain's prefix that ends at that
/// tier: one engine run per chain and problem serves every threshold. A sequential chain's
/// θ are part of its settings (they decide how many candidates a tier writes), so its run
/// is the policy's outcome as it stands.
public struct ChainTable: Sendable {
    public let base: CascadeConfig
    public let taskIDs: [String]
    /// Runs per chain, one per problem in `taskIDs`' order.
    public let runs: [[TierSetting]: [ChainRun]]

    public init(base: CascadeConfig, taskIDs: [String], runs: [[TierSetting]: [ChainRun]]) {
        self.base = base
        self.taskIDs = taskIDs
        self.runs = runs
    }

    /// Replays every chain of `grid` on every problem through the real engine.
    ///
    /// Thresholds are set so that no tier accepts; problems run concurrently.
    public static func replay(
        grid: PolicyGrid, problems: [Problem], runner: EvaluationRunner,
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> ChainTable {
        let base = runner.config
        let engines = grid.chains.map { chain in
            // A sequential chain runs as it is: its θ decide how many candidates each tier writes.
            let sequential = chain.first?.sampling == .sequential
            let never = CascadePolicy(chain: chain, thresholds: sequential ? [] : Array(repeating: neverAccept, count: chain.count - 1))
            let config = never.config(from: base)
            return (chain, runner.makeEngine(config, runner.models, runner.executor))
        }
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let perProblem = try await concurrentMap(count: problems.count, width: width, finished: { progress($0, problems.count) }) { index in
            var runs: [ChainRun] = []
            let judged = JudgedProblem(problems[index])
            for (_, engine) in engines {
                let (report, passed, passedWithoutExamples) = try await runner.check(judged, engine: engine)
                runs.append(ChainRun(
                    passedHiddenTest: passed, passedWithoutExamples: passedWithoutExamples,
                    tiers: report.tiers.map {
                        TierSpend(name: $0.name, promptTokens: $0.promptTokens, completionTokens: $0.completionTokens, score: $0.score)
                    },
                    latencyMs: EvaluationRunner.latencyMs(of: report),
                    answeredBy: EvaluationRunner.answeringTier(of: report)))
            }
            return runs
        }
        var runs: [[TierSetting]: [ChainRun]] = [:]
        for (position, (chain, _)) in engines.enumerated() {
            runs[chain] = perProblem.map { $0[position] }
        }
        return ChainTable(base: base, taskIDs: problems.map(\.taskID), runs: runs)
    }

    /// A threshold no score reaches (scores are at most 1).
    static let neverAccept = 2.0

    /// What `policy` did on problem `index`.
    public func outcome(of policy: CascadePolicy, problem index: Int) -> ChainRun {
        Outcomes(of: policy, in: self).run(problem: index)
    }

    /// A policy's runs looked up once (the chain's and every prefix's), so scoring a
    /// policy over many problems indexes arrays instead of hashing chains per problem.
    struct Outcomes {
        let full: [ChainRun]
        /// Per tier but the last: its threshold and the runs of the chain stopped there.
        let stops: [(threshold: Double, runs: [ChainRun]?)]

        init(of policy: CascadePolicy, in table: ChainTable) {
            guard let full = table.runs[policy.chain] else {
                preconditionFailure("chain \(policy.name(in: table.base)) was not replayed")
            }
            self.full = full
            stops = policy.thresholds.enumerated().map { position, threshold in
                (threshold, table.runs[Array(policy.chain.prefix(position + 1))])
            }
        }

        func run(problem index: Int) -> ChainRun {
            let tiers = full[index].tiers
            for (position, stop) in stops.enumerated() where position < tiers.count {
                let score = tiers[position].score
                if score > 0 && score >= stop.threshold, let stopped = stop.runs?[index] {
                    return stopped
                }
            }
            return full[index]
        }
    }

    /// `policy` over the problems at `indices`, priced with `prices` (by tier name;
    /// the base configuration's prices by default).
    public func score(_ policy: CascadePolicy, on indices: [Int], prices: [String: Price]? = nil) -> PolicyScore {
        let prices = prices ?? Dictionary(base.tiers.map { ($0.name, $0.price) }, uniquingKeysWith: { first, _ in first })
        var passed = 0
        var cost = 0.0
        var outputCost = 0.0
        var latency = 0.0
        var answeredBy: [String: Int] = [:]
        var scorable = 0
        var passedWithout = 0
        let outcomes = Outcomes(of: policy, in: self)
        // A run's tiers are a prefix of the chain, so prices can be looked up by position once.
        let chainPrices = policy.chain.map { prices[base.tiers[$0.tier].name] ?? Price() }
        for index in indices {
            let run = outcomes.run(problem: index)
            if run.passedHiddenTest { passed += 1 }
            if let without = run.passedWithoutExamples {
                scorable += 1
                if without { passedWithout += 1 }
            }
            for (position, tier) in run.tiers.enumerated() {
                let price = chainPrices[position]
                cost += CostModel.cost(promptTokens: tier.promptTokens, completionTokens: tier.completionTokens, price: price)
                outputCost += CostModel.cost(promptTokens: 0, completionTokens: tier.completionTokens, price: price)
            }
            latency += run.latencyMs
            if let tier = run.answeredBy { answeredBy[tier, default: 0] += 1 }
        }
        let count = Double(max(1, indices.count))
        return PolicyScore(
            policy: policy, name: policy.name(in: base), passed: passed, problems: indices.count,
            costPerProblemUSD: cost / count, outputCostPerProblemUSD: outputCost / count,
            meanLatencyMs: latency / count, answeredBy: answeredBy,
            scorableWithoutExamples: scorable, passedWithoutExamples: passedWithout)
    }

    /// The cheapest single tier (at its recorded setting) whose answer passed, per problem.
    public func oracle(on indices: [Int], prices: [String: Price]? = nil) -> PolicyScore {
        let singles = base.tiers.indices.map { CascadePolicy.alone(tier: $0, in: base) }
        var result = PolicyScore(policy: singles[0], name: "oracle", passed: 0, problems: indices.count,
                                 costPerProblemUSD: 0, outputCostPerProblemUSD: 0, meanLatencyMs: 0, answeredBy: [:])
        for index in indices {
            let pick = singles.first { outcome(of: $0, problem: index).passedHiddenTest } ?? singles[0]
            let one = score(pick, on: [index], prices: prices)
            result.passed += one.passed
            result.scorableWithoutExamples += one.scorableWithoutExamples
            result.passedWithoutExamples += one.passedWithoutExamples
            result.costPerProblemUSD += one.costPerProblemUSD / Double(max(1, indices.count))
            result.outputCostPerProblemUSD += one.outputCostPerProblemUSD / Double(max(1, indices.count))
            result.meanLatencyMs += one.meanLatencyMs / Double(max(1, indices.count))
            result.answeredBy.merge(one.answeredBy, uniquingKeysWith: +)
        }
        return result
    }
}
