/// How much a tier's solutions and tests agree, and which solution to return (pure).
///
/// Both rules are normalised to [0, 1] against k·|T|, where k is the number of solutions
/// the tier asked for (a sample that yielded no usable code counts as passing nothing).
public enum AgreementScoring {
    public struct Outcome: Sendable, Equatable {
        /// Row of the solution to return; nil when there are no solutions.
        public var best: Int?
        /// Normalised score in [0, 1].
        public var score: Double
        /// The unnormalised score (|solutions|·|tests passed| or rowsum·colsum).
        public var raw: Int
        /// The most tests any one solution passed.
        public var bestPassed: Int

        public init(best: Int?, score: Double, raw: Int, bestPassed: Int) {
            self.best = best
            self.score = score
            self.raw = raw
            self.bestPassed = bestPassed
        }
    }

    /// Scores `passes[solution][test]` with `rule`; `k` is the number of solutions asked for
    /// (at least the number of rows).
    public static func score(_ passes: [[Bool]], k: Int, rule: ScoringRule) -> Outcome {
        switch rule {
        case .codet: codet(passes, k: k)
        case .paper: paper(passes, k: k)
        }
    }

    /// CodeT: solutions with identical pass sets form a consensus set scored
    /// |solutions| · |tests passed|; the best set's first solution is returned.
    public static func codet(_ passes: [[Bool]], k: Int) -> Outcome {
        guard !passes.isEmpty else { return Outcome(best: nil, score: 0, raw: 0, bestPassed: 0) }
        let tests = passes.map(\.count).max() ?? 0
        var members: [[Bool]: [Int]] = [:]
        var order: [[Bool]] = []
        for (row, set) in passes.enumerated() {
            if members[set] == nil { order.append(set) }
            members[set, default: []].append(row)
        }
        var best = 0
        var bestRaw = -1
        var bestTests = -1
        for set in order {
            let passed = set.filter { $0 }.count
            let raw = members[set]!.count * passed
            // Ties go to the set passing more tests, then to the earlier one.
            if raw > bestRaw || (raw == bestRaw && passed > bestTests) {
                best = members[set]![0]
                bestRaw = raw
                bestTests = passed
            }
        }
        return Outcome(best: best, score: normalised(bestRaw, k: max(k, passes.count), tests: tests), raw: bestRaw,
                       bestPassed: bestPassed(passes))
    }

    /// The paper's rule: over the cells with M[a, t] = 1, the maximum of rowsum(a)·colsum(t);
    /// the row of that cell is returned (the row passing most tests when no cell passes).
    public static func paper(_ passes: [[Bool]], k: Int) -> Outcome {
        guard !passes.isEmpty else { return Outcome(best: nil, score: 0, raw: 0, bestPassed: 0) }
        let tests = passes.map(\.count).max() ?? 0
        let rowSums = passes.map { $0.filter { $0 }.count }
        let columnSums = (0..<tests).map { t in passes.filter { t < $0.count && $0[t] }.count }
        var best = rowSums.indices.max { rowSums[$0] < rowSums[$1] || (rowSums[$0] == rowSums[$1] && $0 > $1) } ?? 0
        var bestRaw = 0
        for (a, row) in passes.enumerated() {
            for (t, passed) in row.enumerated() where passed {
                let raw = rowSums[a] * columnSums[t]
                if raw > bestRaw {
                    bestRaw = raw
                    best = a
                }
            }
        }
        return Outcome(best: best, score: normalised(bestRaw, k: max(k, passes.count), tests: tests), raw: bestRaw,
                       bestPassed: bestPassed(passes))
    }

    private static func normalised(_ raw: Int, k: Int, tests: Int) -> Double {
        guard k > 0, tests > 0, raw > 0 else { return 0 }
        return min(1, Double(raw) / Double(k * tests))
    }

    private static func bestPassed(_ passes: [[Bool]]) -> Int {
        passes.map { $0.filter { $0 }.count }.max() ?? 0
    }
}
