/// How candidates are judged when the function carries examples of its own (pure).
///
/// The user's examples are trusted: a candidate that fails one is never accepted. Among
/// candidates that pass them all, the model's own tests (often wrong at small sizes) only
/// decide how sure the tier must be: `threshold` is the share of them an accepted
/// candidate must also pass.
public enum ExampleRule {
    /// One candidate's results, split into the user's examples and the model's tests.
    public struct Row: Sendable, Equatable {
        public var examplesPassed: Int
        public var examples: Int
        public var testsPassed: Int
        public var tests: Int

        /// Splits a pass row whose first `examples` columns are the examples.
        public init(passes: [Bool], examples: Int) {
            let head = passes.prefix(examples)
            examplesPassed = head.filter { $0 }.count
            self.examples = examples
            testsPassed = passes.dropFirst(examples).filter { $0 }.count
            tests = max(0, passes.count - examples)
        }

        public var passesEveryExample: Bool { examplesPassed == examples }

        /// Share of the model's tests passed; 1 when there are none to pass.
        public var testShare: Double { tests == 0 ? 1 : Double(testsPassed) / Double(tests) }
    }

    /// Whether `row` is accepted at `threshold`.
    public static func accepts(_ row: Row, threshold: Double) -> Bool {
        row.passesEveryExample && row.testShare >= threshold
    }

    /// The candidate to return when none was accepted: the most examples passed, then the
    /// most of the model's tests, then the earliest.
    public static func closest(_ rows: [Row]) -> Int? {
        rows.indices.max { a, b in
            let (x, y) = (rows[a], rows[b])
            if x.examplesPassed != y.examplesPassed { return x.examplesPassed < y.examplesPassed }
            if x.testsPassed != y.testsPassed { return x.testsPassed < y.testsPassed }
            return a > b
        }
    }

    /// The example passed by the fewest candidates, the first of them on a tie (the one to
    /// name when nothing could be accepted), and how many passed it; nil without examples.
    public static func leastSatisfied(_ passes: [[Bool]], examples: Int) -> (example: Int, passedBy: Int)? {
        guard examples > 0 else { return nil }
        let counts = (0..<examples).map { column in passes.filter { column < $0.count && $0[column] }.count }
        let least = counts.indices.min { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }!
        return (least, counts[least])
    }
}
