/// The object `cascade eval --json` prints (a contract other tools read: extend, never rename).
public struct EvaluationSummary: Sendable, Codable, Equatable {
    public var problems: Int
    public var settings: [SettingSummary]
    /// Problems left out, each with why (a malformed line, a broken hidden test).
    public var excluded: [String]
}

/// One policy's results over every problem.
public struct SettingSummary: Sendable, Codable, Equatable {
    /// `cascade`, `tier:NAME`, `greedy:NAME` or `oracle`.
    public var name: String
    /// Share of problems whose returned code passed the hidden test.
    public var accuracy: Double
    /// Input and output tokens priced.
    public var costUSD: Double
    /// Output tokens only, as the paper counts.
    public var outputCostUSD: Double
    public var costPer1000USD: Double
    public var meanLatencyMs: Double
    /// Problems answered by each tier.
    public var answeredBy: [String: Int]
    public var passed: Int
    /// Against the hidden test with the cases the prompt's own examples already show
    /// removed: the problems still scorable that way, and how many of them passed.
    public var scorableWithoutExamples: Int?
    public var passedWithoutExamples: Int?

    /// Share of the scorable problems passed with the examples' cases removed.
    public var accuracyWithoutExamples: Double? {
        guard let scorable = scorableWithoutExamples, let passed = passedWithoutExamples, scorable > 0 else { return nil }
        return Double(passed) / Double(scorable)
    }
}

/// What one setting did on one problem.
public struct ProblemOutcome: Sendable, Codable, Equatable {
    public var setting: String
    public var taskID: String
    public var passedHiddenTest: Bool
    /// The same answer against the hidden test without the examples' cases; nil when no
    /// case is left (the problem is not scorable that way).
    public var passedWithoutExamples: Bool?
    public var costUSD: Double
    public var outputCostUSD: Double
    public var latencyMs: Double
    public var answeredBy: String?
    public var status: String
}

extension SettingSummary {
    /// Folds per-problem outcomes of one setting into its summary line.
    static func summarise(name: String, outcomes: [ProblemOutcome]) -> SettingSummary {
        let count = Double(max(1, outcomes.count))
        let passed = outcomes.filter(\.passedHiddenTest).count
        let cost = outcomes.map(\.costUSD).reduce(0, +)
        var answeredBy: [String: Int] = [:]
        for outcome in outcomes {
            if let tier = outcome.answeredBy { answeredBy[tier, default: 0] += 1 }
        }
        return SettingSummary(
            name: name, accuracy: Double(passed) / count, costUSD: cost,
            outputCostUSD: outcomes.map(\.outputCostUSD).reduce(0, +),
            costPer1000USD: cost / count * 1000,
            meanLatencyMs: outcomes.map(\.latencyMs).reduce(0, +) / count,
            answeredBy: answeredBy, passed: passed,
            scorableWithoutExamples: outcomes.filter { $0.passedWithoutExamples != nil }.count,
            passedWithoutExamples: outcomes.filter { $0.passedWithoutExamples == true }.count)
    }
}
