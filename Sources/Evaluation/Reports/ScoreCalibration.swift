/// How well a tier's score on its own tests predicts the hidden test: the cascade can
/// only save where a high score means a right answer, since θ sees nothing else.
public struct ScoreCalibration: Sendable {
    /// A range of scores, lower bound included; the last bucket holds exactly 1.
    public struct Bucket: Sendable, Equatable {
        public var label: String
        /// Per tier, in the base configuration's order: problems whose score fell here, and how many passed the hidden test.
        public var problems: [Int]
        public var passed: [Int]
    }

    public var tierNames: [String]
    public var buckets: [Bucket]

    /// Score ranges: exactly 0, four quarters of (0, 1), exactly 1.
    static let edges: [(label: String, contains: @Sendable (Double) -> Bool)] = [
        ("0 (no candidate passed a test)", { $0 <= 0 }),
        ("above 0, below 0.25", { $0 > 0 && $0 < 0.25 }),
        ("0.25 to below 0.5", { $0 >= 0.25 && $0 < 0.5 }),
        ("0.5 to below 0.75", { $0 >= 0.5 && $0 < 0.75 }),
        ("0.75 to below 1", { $0 >= 0.75 && $0 < 1 }),
        ("1 (a candidate passed every test)", { $0 >= 1 }),
    ]

    /// Each tier alone at its recorded setting, over every problem of `table`.
    public init(table: ChainTable) {
        let base = table.base
        tierNames = base.tiers.map(\.name)
        let runs = base.tiers.indices.map { tier in
            let outcomes = ChainTable.Outcomes(of: CascadePolicy.alone(tier: tier, in: base), in: table)
            return table.taskIDs.indices.map(outcomes.run(problem:))
        }
        buckets = Self.edges.map { label, contains in
            let inBucket = runs.map { $0.filter { run in run.tiers.first.map { contains($0.score) } ?? false } }
            return Bucket(label: label, problems: inBucket.map(\.count),
                          passed: inBucket.map { $0.count(where: \.passedHiddenTest) })
        }
    }

    public var markdown: String {
        let header = tierNames.map { "\($0): problems | \($0): hidden test passed" }.joined(separator: " | ")
        var lines = ["| score on its own tests | \(header) |",
                     "| --- |" + String(repeating: " ---: | ---: |", count: tierNames.count)]
        for bucket in buckets {
            let cells = zip(bucket.problems, bucket.passed).map { count, passed in
                count == 0 ? "0 | –" : "\(count) | \(Int((Double(passed) / Double(count) * 100).rounded()))%"
            }
            lines.append("| \(bucket.label) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
