import Cascade
@testable import Evaluation
import Foundation
import Testing

/// A model whose every sample differs: sample i of a tier writes `add` with an operator
/// from that tier's list, and test sample j writes asserts of which some are wrong, so
/// k, l and θ all change what a cascade does.
private struct VaryingCoder: CodeModel {
    let operators: [String]
    let tierIndex: Int

    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let asksForTests = (request.prompt.messages.last?.content ?? request.prompt.text).contains("tests for")
        let count = max(1, request.samples)
        let texts = (0..<count).map { sample in
            asksForTests ? Self.tests(sample: sample, tier: tierIndex)
                : "```python\ndef add(a, b):\n    return a \(operators[sample % operators.count]) b\n```"
        }
        return GenerationResult(texts: texts, promptTokens: 50 * count + 7 * tierIndex,
                                completionTokens: texts.map(\.count).reduce(0, +), latencyMs: 100 * (tierIndex + 1) + count)
    }

    /// Four asserts per sample; `add(a, b) == a*b` lines are the wrong ones.
    static func tests(sample: Int, tier: Int) -> String {
        let lines = (0..<4).map { line -> String in
            let a = 1 + sample + line + tier, b = 2 + line
            let wrong = (sample + line + tier) % 3 == 0
            return "assert add(\(a), \(b)) == \(wrong ? a * b : a + b)"
        }
        return "```python\n" + lines.joined(separator: "\n") + "\n```"
    }
}

private struct VaryingProvider: CodeModelProvider {
    func model(for tier: TierConfig) async throws -> any CodeModel {
        tier.name == "small"
            ? VaryingCoder(operators: ["-", "+", "*", "+"], tierIndex: 0)
            : VaryingCoder(operators: ["+", "*", "+"], tierIndex: 1)
    }
}

/// Runs nothing: works out `add`'s operator from the program and each assert's truth.
private struct ArithmeticJudge: TestExecutor {
    func run(_ job: TestJob) async throws -> PassMatrix {
        let outcomes = job.solutions.map { program in job.tests.map { Self.judge(program, $0) } }
        return PassMatrix(outcomes: outcomes, durationsMs: outcomes.map { $0.map { _ in 1.5 } },
                          loadErrors: job.solutions.map { _ in nil }, wallMs: 3)
    }

    static func judge(_ program: String, _ test: String) -> TestOutcome {
        let apply: (Int, Int) -> Int =
            program.contains("a + b") ? { $0 + $1 } : program.contains("a * b") ? { $0 * $1 } : { $0 - $1 }
        if test.contains("def check") { return apply(1, 2) == 3 && apply(3, 3) == 6 ? .pass : .fail }
        let numbers = test.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count == 3 else { return .error("SyntaxError") }
        return apply(numbers[0], numbers[1]) == numbers[2] ? .pass : .fail
    }
}

@Suite struct TuningTests {
    let config = CascadeConfig(tiers: [
        TierConfig(name: "small", endpoint: "http://127.0.0.1:1/v1", model: "s",
                   price: Price(inputPerMillion: 1, outputPerMillion: 2), samples: 4, testLines: 3, threshold: 0.5),
        TierConfig(name: "large", endpoint: "http://127.0.0.1:2/v1", model: "l",
                   price: Price(inputPerMillion: 5, outputPerMillion: 10), samples: 2, testLines: 2),
    ])
    let problems = (0..<3).map { index in
        Problem(taskID: "t/\(index)", prompt: "def add(a, b):\n    \"\"\"Return a + b (\(index)).\"\"\"\n", entryPoint: "add",
                test: "def check(candidate):\n    assert candidate(1, 2) == 3\n")
    }

    func runner(config: CascadeConfig? = nil) -> EvaluationRunner {
        EvaluationRunner(
            config: config ?? self.config, models: VaryingProvider(), executor: ArithmeticJudge(),
            makeEngine: { CascadeEngine(config: $0, models: $1, executor: $2, cache: nil) }, log: { _ in })
    }

    /// The table as `cascade tune` builds it, extraction remembered; the engine runs it is
    /// compared with below use the plain languages.
    func table() async throws -> (PolicyGrid, ChainTable) {
        let grid = PolicyGrid(base: config)
        let registry = MemoizingLanguage.standardRegistry
        let runner = EvaluationRunner(
            config: config, models: VaryingProvider(), executor: ArithmeticJudge(),
            makeEngine: { CascadeEngine(config: $0, models: $1, executor: $2, cache: nil, languages: registry) }, log: { _ in })
        return (grid, try await ChainTable.replay(grid: grid, problems: problems, runner: runner))
    }

    @Test func theGridHoldsEveryKAndLUpToTheRecordedOnesAndGreedyOnlyLast() {
        let grid = PolicyGrid(base: config)
        let batch = grid.chains.filter { $0.first?.sampling == .batch }
        let sequential = grid.chains.filter { $0.first?.sampling == .sequential }
        // Batch: small alone 4·3 + greedy; large alone 2·2 + greedy; small → large 4·3 · (2·2 + greedy).
        #expect(batch.count == 13 + 5 + 12 * 5)
        #expect(grid.chains.allSatisfy { chain in chain.dropLast().allSatisfy { $0.samples > 0 } })
        #expect(grid.chains.first == [TierSetting(tier: 0, samples: 4, testLines: 3)], "largest first, so sandbox runs cover the smaller ones")
        // Sequential: every k up to the recorded one, each θ, the recorded l.
        let θ = grid.sequentialThresholds.count
        #expect(sequential.count == 4 * θ + 2 * θ + 4 * θ * 2 * θ)
        #expect(sequential.allSatisfy { chain in chain.allSatisfy { $0.threshold != nil && $0.testLines == (config.tiers[$0.tier].testLines) } })
        #expect(grid.policies.count == 13 + 5 + 12 * 5 * grid.thresholds.count + sequential.count)
    }

    /// The table's claim: one run per chain gives every threshold's outcome exactly.
    @Test func everyPolicyFromTheTableEqualsRunningThatPolicyThroughTheEngine() async throws {
        let (grid, table) = try await table()
        let runner = runner()
        var checked = 0
        var stoppedEarly = 0
        for policy in grid.policies {
            let engine = CascadeEngine(config: policy.config(from: config), models: VaryingProvider(), executor: ArithmeticJudge(), cache: nil)
            for index in problems.indices {
                let (report, passed, _) = try await runner.check(JudgedProblem(problems[index]), engine: engine)
                let fromTable = table.outcome(of: policy, problem: index)
                #expect(fromTable.passedHiddenTest == passed, "\(policy.name(in: config)) on \(index)")
                #expect(fromTable.tiers.map(\.name) == report.tiers.map(\.name), "\(policy.name(in: config))")
                #expect(fromTable.tiers.map(\.completionTokens) == report.tiers.map(\.completionTokens))
                #expect(fromTable.tiers.map(\.promptTokens) == report.tiers.map(\.promptTokens))
                #expect(fromTable.latencyMs == EvaluationRunner.latencyMs(of: report))
                #expect(fromTable.answeredBy == EvaluationRunner.answeringTier(of: report))
                if policy.chain.count > 1 && report.tiers.count == 1 { stoppedEarly += 1 }
                checked += 1
            }
        }
        #expect(checked == grid.policies.count * problems.count)
        #expect(stoppedEarly > 0 && stoppedEarly < checked, "some thresholds accept at the small tier and some do not")
    }

    @Test func theFrontIsCheapestFirstWithAccuracyRisingAndNothingBeatsIt() async throws {
        let (grid, table) = try await table()
        let all = Array(problems.indices)
        let scores = grid.policies.map { table.score($0, on: all) }
        let front = Tuner.paretoFront(scores)
        #expect(!front.isEmpty)
        for (a, b) in zip(front, front.dropFirst()) {
            #expect(a.costPerProblemUSD <= b.costPerProblemUSD && a.passed < b.passed)
        }
        for score in scores {
            #expect(!front.contains { $0.costPerProblemUSD > score.costPerProblemUSD && $0.passed <= score.passed },
                    "\(score.name) dominates a front point")
        }
    }

    @Test func theBudgetPicksTheMostAccuratePolicyItAffords() async throws {
        let (grid, table) = try await table()
        let tuner = Tuner(table: table, grid: grid, validationShare: 0.67)
        let cheapest = try #require(tuner.tune(budgetUSD: nil).front.first)
        let budget = cheapest.costPerProblemUSD * 1.5
        let result = tuner.tune(budgetUSD: budget)
        let chosen = try #require(result.chosen)
        #expect(chosen.costPerProblemUSD <= budget)
        let bestAffordable = result.validation.filter { $0.costPerProblemUSD <= budget }.map(\.passed).max()
        #expect(chosen.passed == bestAffordable)
        #expect(tuner.tune(budgetUSD: cheapest.costPerProblemUSD / 2).chosen == nil, "below the cheapest point nothing fits")
        #expect(result.heldOut.map(\.name).contains("tier:large") && result.heldOut.last?.name == "oracle")
    }

    @Test func theSplitIsSeededDisjointAndComplete() async throws {
        let (grid, table) = try await table()
        let one = Tuner(table: table, grid: grid, seed: 7).split
        #expect(one == Tuner(table: table, grid: grid, seed: 7).split)
        #expect(Set(one.validation).isDisjoint(with: one.heldOut))
        #expect((one.validation + one.heldOut).sorted() == Array(problems.indices))
        #expect(one.validation.count == 1)
    }

    @Test func repricingKeepsTheFirstTierAndScalesTheLast() {
        let prices = Repricing.scaled(config.tiers, ratio: 10)
        #expect(prices["small"] == config.tiers[0].price)
        #expect(prices["large"] == Price(inputPerMillion: 10, outputPerMillion: 20))
    }

    @Test func otherPricesGiveExactCostsFromTheSameTokens() async throws {
        let (_, table) = try await table()
        let policy = CascadePolicy(chain: [TierSetting(tier: 1, samples: 2, testLines: 2)], thresholds: [])
        let run = table.outcome(of: policy, problem: 0)
        let doubled = ["small": Price(inputPerMillion: 2, outputPerMillion: 4), "large": Price(inputPerMillion: 10, outputPerMillion: 20)]
        let expected = CostModel.cost(promptTokens: run.tiers[0].promptTokens, completionTokens: run.tiers[0].completionTokens,
                                      price: doubled["large"]!)
        #expect(table.score(policy, on: [0], prices: doubled).costPerProblemUSD == expected)
        #expect(table.score(policy, on: [0], prices: doubled).costPerProblemUSD == 2 * table.score(policy, on: [0]).costPerProblemUSD)
    }

    /// Each trial is the repricing question on its own seeded split; hindsight is the cheapest
    /// policy on all problems that the largest tier alone does not out-score.
    @Test func theSplitStudyAsksTheQuestionOnEverySeedAndFindsTheHindsightBound() async throws {
        let (grid, table) = try await table()
        let tuner = Tuner(table: table, grid: grid, validationShare: 0.34)
        let study = SplitStudy.matchingLargest(tuner: tuner, splits: 6)
        #expect(study.trials.map(\.seed) == (0..<6).map { tuner.seed + $0 })
        let largest = CascadePolicy.alone(tier: 1, in: config)
        var splits: Set<[Int]> = []
        for trial in study.trials {
            var seeded = tuner
            seeded.seed = trial.seed
            let heldOut = seeded.split.heldOut
            splits.insert(heldOut)
            #expect(trial.tuned?.policy == seeded.cheapestMatching(largest).chosen?.policy)
            #expect(trial.tuned.map { $0.problems == heldOut.count } ?? true)
            #expect(trial.largest == table.score(largest, on: heldOut))
        }
        #expect(splits.count > 1, "the seeds give different splits")

        let all = Array(problems.indices)
        let hindsight = try #require(study.hindsight)
        #expect(study.largestOnAll == table.score(largest, on: all))
        #expect(hindsight.passed >= study.largestOnAll.passed)
        let cheaperAndAsGood = grid.policies.map { table.score($0, on: all) }.filter {
            $0.passed >= study.largestOnAll.passed && $0.costPerProblemUSD < hindsight.costPerProblemUSD
        }
        #expect(cheaperAndAsGood.isEmpty, "\(cheaperAndAsGood.map(\.name)) beat the hindsight choice")
    }

    @Test func calibrationCountsEveryProblemOncePerTierByItsOwnScore() async throws {
        let (_, table) = try await table()
        let calibration = ScoreCalibration(table: table)
        #expect(calibration.tierNames == ["small", "large"])
        for tier in 0..<2 {
            #expect(calibration.buckets.map { $0.problems[tier] }.reduce(0, +) == problems.count)
            let runs = problems.indices.map { table.outcome(of: CascadePolicy.alone(tier: tier, in: config), problem: $0) }
            #expect(calibration.buckets.map { $0.passed[tier] }.reduce(0, +) == runs.count(where: \.passedHiddenTest))
            let perfect = runs.filter { $0.tiers[0].score >= 1 }
            #expect(calibration.buckets.last?.problems[tier] == perfect.count)
        }
    }

    @Test func thresholdsAreNamedWithOneOrTwoDecimals() {
        #expect([0, 0.1, 0.5, 0.25, 0.05, 1, 2].map(CascadePolicy.format) == ["0.0", "0.1", "0.5", "0.25", "0.05", "1.0", "2.0"])
    }

    @Test func theReportWritesTablesAndTwoPlotsThatParse() async throws {
        let (grid, table) = try await table()
        let summary = try await runner().run(problems: problems)
        let report = EvaluationReport(summary: summary, tuner: Tuner(table: table, grid: grid))
        let directory = NSTemporaryDirectory() + "cascade-report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let paths = try report.write(to: directory)
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["report.md", "pareto.svg", "repricing.svg"])
        let markdown = try String(contentsOfFile: paths[0], encoding: .utf8)
        for heading in ["## Every setting on all problems", "## The tuned cascade", "## Repricing", "| 10.6× |", "measured (",
                        "## How far one split can be trusted", "## What a tier's own tests say"] {
            #expect(markdown.contains(heading), "report.md lacks \(heading)")
        }
        for path in paths.dropFirst() {
            let svg = try String(contentsOfFile: path, encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
            #expect(!svg.contains("nan") && !svg.contains("inf"), "\(path) has a coordinate that is not a number")
        }
        let pareto = try String(contentsOfFile: paths[1], encoding: .utf8)
        for label in ["tier:small", "tier:large", "cascade", "oracle", "Pareto front"] {
            #expect(pareto.contains(label), "pareto.svg lacks \(label)")
        }
        let repricing = try String(contentsOfFile: paths[2], encoding: .utf8)
        for label in ["vs largest tier, self-tested", "at equal accuracy, in hindsight", "accuracy "] {
            #expect(repricing.contains(label), "repricing.svg lacks \(label)")
        }
    }
}

@Suite struct BrokenHiddenTestTests {
    @Test func aProblemWhoseCanonicalSolutionFailsItsHiddenTestIsReportedAndExcluded() async throws {
        let config = TuningTests().config
        // The judge reads the operator from the source, so the docstring must not show one.
        let good = Problem(taskID: "t/good", prompt: "def add(a, b):\n    \"\"\"Add them.\"\"\"\n", entryPoint: "add",
                           test: "def check(candidate):\n    assert candidate(1, 2) == 3\n", canonicalSolution: "    return a + b\n")
        var broken = good
        broken.taskID = "t/broken"
        broken.canonicalSolution = "    return a - b\n"
        let summary = try await EvaluationRunner(
            config: config, models: VaryingProvider(), executor: ArithmeticJudge(),
            makeEngine: { CascadeEngine(config: $0, models: $1, executor: $2, cache: nil) }, log: { _ in }
        ).run(problems: [broken, good])
        #expect(summary.problems == 1)
        #expect(summary.excluded == ["t/broken: the hidden test fails on the canonical solution"])
    }
}

@Suite struct PolicyGridEdgeTests {
    @Test func aTierConfiguredGreedyBeforeTheLastStillHasItsConfiguredCascadeInTheGrid() {
        var config = TuningTests().config
        config.tiers[0].samples = 0
        let grid = PolicyGrid(base: config)
        let configured = [TierSetting(tier: 0, samples: 0, testLines: 0), TierSetting(tier: 1, samples: 2, testLines: 2)]
        #expect(grid.chains.contains(configured), "the configured cascade is a reference the tuner scores")
    }
}
