/// Runs one tier of a cascade: asks its model for candidates (all at once, or one at a
/// time), extracts them, runs them in the sandbox against the user's examples, the earlier
/// tiers' tests and this tier's own, and decides whether the tier is accepted.
struct TierRunner: Sendable {
    let tier: TierConfig
    let language: any LanguageSupport
    let context: CompletionContext
    let models: any CodeModelProvider
    let executor: any TestExecutor
    let execution: ExecutionConfig
    let scoring: ScoringRule
    let sampling: SamplingMode
    /// The user's examples as tests; they run first and are never given up on.
    let examples: [String]
    let progress: @Sendable (CascadeProgress) -> Void
    let solutionPrompt: PreparedPrompt
    let testPrompt: PreparedPrompt

    init(
        tier: TierConfig, language: any LanguageSupport, context: CompletionContext, models: any CodeModelProvider,
        executor: any TestExecutor, execution: ExecutionConfig, scoring: ScoringRule, sampling: SamplingMode,
        examples: [String], progress: @escaping @Sendable (CascadeProgress) -> Void
    ) {
        self.tier = tier
        self.language = language
        self.context = context
        self.models = models
        self.executor = executor
        self.execution = execution
        self.scoring = scoring
        self.sampling = sampling
        self.examples = examples
        self.progress = progress
        solutionPrompt = PromptLibrary.solution(for: context, language.vocabulary)
        testPrompt = PromptLibrary.tests(for: context, count: max(tier.testLines, 1), language.vocabulary)
    }

    /// What one tier produced.
    struct Attempt: Sendable {
        var report: TierReport
        var candidates: [SolutionCandidate] = []
        /// Index into `candidates` of the one to return.
        var best: Int?
        /// The model tests run: inherited first, then this tier's own (examples apart).
        var tests: [String] = []
        var usage: CostModel.TierUsage?
        /// Per candidate, which examples it passed (for naming one that nothing satisfies).
        var examplePasses: [[Bool]] = []

        var answer: SolutionCandidate? { best.map { candidates[$0] } }
    }

    /// Runs the tier; a model or sandbox failure is recorded in the attempt, only
    /// cancellation is thrown.
    func run(inheritedTests: [String]) async throws -> Attempt {
        progress(.generating(tier: tier.name))
        switch sampling {
        case .batch: return try await runBatch(inheritedTests: inheritedTests)
        case .sequential: return try await runSequential(inheritedTests: inheritedTests)
        }
    }

    // MARK: - Shared steps

    func solutionRequest(samples: Int, temperature: Double, sampleIndex: Int? = nil) -> GenerationRequest {
        let prompt = solutionPrompt
        return GenerationRequest(prompt: prompt.prompt, samples: samples, temperature: temperature,
                                 maxTokens: tier.maxTokens, stop: prompt.stop(for: tier.api), sampleIndex: sampleIndex)
    }

    func testRequest() -> GenerationRequest {
        let prompt = testPrompt
        return GenerationRequest(prompt: prompt.prompt, samples: tier.testSampleCount, temperature: tier.temperature,
                                 maxTokens: tier.maxTokens, stop: prompt.stop(for: tier.api))
    }

    /// Asks for `solution` and, when `withTests`, this tier's test samples at once; either
    /// may fail without losing the other.
    func generate(_ solution: GenerationRequest, withTests: Bool, from model: any CodeModel) async
        -> (solution: Result<GenerationResult, any Error>, tests: Result<GenerationResult, any Error>?) {
        guard withTests else { return (await Self.capture { try await model.generate(solution) }, nil) }
        let tests = testRequest()
        async let solutionTask = Self.capture { try await model.generate(solution) }
        async let testTask = Self.capture { try await model.generate(tests) }
        return await (solutionTask, testTask)
    }

    /// This tier's own tests from its test samples: the first l of each, none already known.
    func ownTests(from samples: GenerationResult?, inherited: [String]) -> [String] {
        let prompt = testPrompt
        var own: [String] = []
        var known = Set((examples + inherited).map(language.deduplicationKey(for:)))
        for text in samples?.texts ?? [] {
            for test in language.extractTests(from: prompt.extractable(text, api: tier.api), for: context, limit: tier.testLines) {
                if known.insert(language.deduplicationKey(for: test)).inserted { own.append(test) }
            }
        }
        return own
    }

    func extract(_ text: String) -> SolutionCandidate? {
        language.extractSolution(from: solutionPrompt.extractable(text, api: tier.api), for: context)
    }

    /// Tells the listener a candidate is about to be tested.
    func announce(_ candidate: SolutionCandidate, index: Int) {
        progress(.candidate(CandidatePreview(
            tier: tier.name, index: index, completion: candidate.completion,
            startLine: context.startLine, endLine: context.endLine, imports: candidate.moduleImports)))
    }

    /// What running some programs against the tests gave.
    struct TestRun {
        /// `passes[program][test]`.
        var passes: [[Bool]]
        /// Per program: whether it loaded at all.
        var loaded: [Bool]
        var wallMs: Double
    }

    /// Runs `programs` against `tests`, or says what stopped the run.
    func execute(_ programs: [String], tests: [String]) async throws -> Result<TestRun, TierFailure> {
        do {
            let matrix = try await executor.run(TestJob(
                language: context.languageId, solutions: programs, tests: tests, limits: execution))
            let passes = programs.indices.map { row in
                tests.indices.map { column in
                    row < matrix.outcomes.count && column < matrix.outcomes[row].count && matrix.outcomes[row][column].passed
                }
            }
            let loaded = programs.indices.map { $0 >= matrix.loadErrors.count || matrix.loadErrors[$0] == nil }
            return .success(TestRun(passes: passes, loaded: loaded, wallMs: matrix.wallMs))
        } catch {
            try rethrowIfItEndsTheRequest(error)
            return .failure(TierFailure("tests could not run: \(describe(error))"))
        }
    }

    /// The report of a tier that produced nothing to test.
    func emptyReport(error: String, generationMs: Int, usage: CostModel.TierUsage?, usageEstimated: Bool = false) -> TierReport {
        TierReport(
            name: tier.name, model: tier.model, samples: tier.samples, tests: 0, bestPassed: 0, score: 0,
            threshold: tier.threshold, accepted: false, promptTokens: usage?.promptTokens ?? 0,
            completionTokens: usage?.completionTokens ?? 0, usageEstimated: usageEstimated, costUSD: usage?.costUSD ?? 0,
            generationMs: generationMs, testMs: 0, error: error)
    }

    static func capture(_ body: () async throws -> GenerationResult) async -> Result<GenerationResult, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }
}

/// Why a tier's step failed, as the report states it.
struct TierFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

func milliseconds(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Int {
    (clock.now - start).wholeMilliseconds
}

/// Cancellation (as `CancellationError`) and a `RequestAbortingError` end the request;
/// any other error returns, to be recorded as the tier's failure.
func rethrowIfItEndsTheRequest(_ error: any Error) throws {
    if error is CancellationError || Task.isCancelled { throw CancellationError() }
    if error is any RequestAbortingError { throw error }
}

/// An error's own description (typed errors carry what went wrong and what to do).
func describe(_ error: any Error) -> String {
    String(describing: error)
}
