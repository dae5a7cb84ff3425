/// What the engine asks of a sandbox; `Sandbox` implements it.
public protocol TestExecutor: Sendable {
    /// Runs every solution against every test and returns the k × |T| matrix.
    ///
    /// A crash, a timeout or a syntax error is an outcome, not a thrown error; throws only
    /// when nothing could run at all (no interpreter, no sandbox layer) or on cancellation,
    /// in which case every process of the run is gone before it returns.
    func run(_ job: TestJob) async throws -> PassMatrix
}

public struct TestJob: Sendable, Equatable {
    /// Language id as in LSP (`"python"`, `"javascript"`).
    public var language: String
    /// Complete programs, one per candidate: imports, helpers and the function itself.
    public var solutions: [String]
    /// One statement each (for Python an `assert …` line), run against every solution.
    public var tests: [String]
    public var limits: ExecutionConfig

    public init(language: String, solutions: [String], tests: [String], limits: ExecutionConfig) {
        self.language = language
        self.solutions = solutions
        self.tests = tests
        self.limits = limits
    }
}

public enum TestOutcome: Sendable, Equatable, Codable {
    case pass
    /// The assertion was false.
    case fail
    /// The test raised (or the solution did not load); the payload is the error type, e.g. `"NameError"`.
    case error(String)
    case timeout

    public var passed: Bool { self == .pass }
}

public struct PassMatrix: Sendable, Equatable {
    /// `outcomes[solution][test]`.
    public var outcomes: [[TestOutcome]]
    /// `durationsMs[solution][test]`, 0 where the test never ran.
    public var durationsMs: [[Double]]
    /// Per solution: nil when it loaded, else why not (`"SyntaxError: …"`, `"timeout"`).
    /// Lets a caller syntax-check a candidate by running it against zero tests.
    public var loadErrors: [String?]
    /// Wall time of the whole run.
    public var wallMs: Double

    public init(outcomes: [[TestOutcome]], durationsMs: [[Double]], loadErrors: [String?], wallMs: Double) {
        self.outcomes = outcomes
        self.durationsMs = durationsMs
        self.loadErrors = loadErrors
        self.wallMs = wallMs
    }

    /// Whether solution `a` passed test `t`.
    public subscript(a: Int, t: Int) -> Bool { outcomes[a][t].passed }
}
