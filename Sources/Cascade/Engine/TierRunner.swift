/// Runs one tier of a cascade: k solutions and k test samples requested concurrently,
/// extraction, the sandbox run against this tier's and earlier tiers' tests, and the score.
struct TierRunner: Sendable {
    let tier: TierConfig
    let language: any LanguageSupport
    let context: CompletionContext
    let models: any CodeModelProvider
    let executor: any TestExecutor
    let execution: ExecutionConfig
    let scoring: ScoringRule
    let progress: @Sendable (CascadeProgress) -> Void

    /// What one tier produced.
    struct Attempt: Sendable {
        var report: TierReport
        var candidates: [SolutionCandidate] = []
        /// Index into `candidates` of the one to return.
        var best: Int?
        /// Every test run: inherited first, then this tier's own.
        var tests: [String] = []
        var usage: CostModel.TierUsage?

        var answer: SolutionCandidate? { best.map { candidates[$0] } }
    }

    /// Runs the tier; a model or sandbox failure is recorded in the attempt, only
    /// cancellation is thrown.
    func run(inheritedTests: [String]) async throws -> Attempt {
        progress(.generating(tier: tier.name))
        let clock = ContinuousClock()
        let generationStart = clock.now
        let k = tier.samples
        let solutionPrompt = PromptLibrary.solution(for: context, language.vocabulary)
        let testPrompt = PromptLibrary.tests(for: context, count: max(tier.testLines, 1), language.vocabulary)

        // Solutions and tests are requested at once; either may fail without losing the other.
        let solutionOutcome: Result<GenerationResult, any Error>
        var testOutcome: Result<GenerationResult, any Error>?
        do {
            let model = try await models.model(for: tier)
            let solutionRequest = GenerationRequest(
                prompt: solutionPrompt.prompt, samples: max(k, 1), temperature: k == 0 ? 0 : tier.temperature,
                maxTokens: tier.maxTokens, stop: solutionPrompt.stop(for: tier.api))
            if k == 0 {
                solutionOutcome = await Self.capture { try await model.generate(solutionRequest) }
            } else {
                let testRequest = GenerationRequest(
                    prompt: testPrompt.prompt, samples: k, temperature: tier.temperature,
                    maxTokens: tier.maxTokens, stop: testPrompt.stop(for: tier.api))
                async let solutionTask = Self.capture { try await model.generate(solutionRequest) }
                async let testTask = Self.capture { try await model.generate(testRequest) }
                (solutionOutcome, testOutcome) = await (solutionTask, testTask)
            }
        } catch {
            solutionOutcome = .failure(error)
        }
        for case .failure(let error) in [solutionOutcome, testOutcome].compactMap({ $0 }) {
            try rethrowIfItEndsTheRequest(error)
        }
        // The models' own latencies (the calls overlap: the longer one), so a replayed
        // recording reports the time the real models took; the wall clock if a call failed.
        let answered = [solutionOutcome] + (testOutcome.map { [$0] } ?? [])
        let reported = answered.compactMap { try? $0.get().latencyMs }
        let generationMs = reported.count == answered.count && !reported.isEmpty
            ? reported.max()! : milliseconds(since: generationStart, clock)
        let testSamples = try? testOutcome?.get()
        var ownTests: [String] = []
        for text in testSamples?.texts ?? [] {
            for test in language.extractTests(from: testPrompt.extractable(text, api: tier.api), for: context, limit: tier.testLines) {
                let key = language.deduplicationKey(for: test)
                if !(inheritedTests + ownTests).contains(where: { language.deduplicationKey(for: $0) == key }) {
                    ownTests.append(test)
                }
            }
        }
        let tests = inheritedTests + ownTests
        let solutions: GenerationResult
        switch solutionOutcome {
        case .success(let result):
            solutions = result
        case .failure(let error):
            var report = skippedReport(error: "model failed: \(describe(error))", generationMs: generationMs)
            var usage: CostModel.TierUsage?
            if let testSamples {
                // The tests that did come back are paid for and passed on to the next tier.
                let paid = CostModel.TierUsage(tier: tier, solutionPromptTokens: 0, solutionCompletionTokens: 0,
                                               testPromptTokens: testSamples.promptTokens, testCompletionTokens: testSamples.completionTokens)
                report.promptTokens = paid.promptTokens
                report.completionTokens = paid.completionTokens
                report.costUSD = paid.costUSD
                usage = paid
            }
            return Attempt(report: report, tests: tests, usage: usage)
        }
        let usage = CostModel.TierUsage(
            tier: tier, solutionPromptTokens: solutions.promptTokens, solutionCompletionTokens: solutions.completionTokens,
            testPromptTokens: testSamples?.promptTokens ?? 0, testCompletionTokens: testSamples?.completionTokens ?? 0)

        let candidates = solutions.texts.compactMap {
            language.extractSolution(from: solutionPrompt.extractable($0, api: tier.api), for: context)
        }
        var attempt = Attempt(
            report: TierReport(
                name: tier.name, model: tier.model, samples: k, tests: tests.count, inheritedTests: inheritedTests.count,
                bestPassed: 0, score: 0, threshold: tier.threshold, accepted: false,
                promptTokens: usage.promptTokens, completionTokens: usage.completionTokens,
                usageEstimated: solutions.usageEstimated || (testSamples?.usageEstimated ?? false),
                costUSD: usage.costUSD, generationMs: generationMs, testMs: 0),
            candidates: candidates, tests: tests, usage: usage)
        if case .failure(let error) = testOutcome {
            attempt.report.error = "test generation failed: \(describe(error))"
        }
        guard !candidates.isEmpty else {
            attempt.report.error = "no usable solution in \(solutions.texts.count) sample(s)"
            return attempt
        }

        // Identical programs (common at small sizes) run once; their rows are shared.
        var uniquePrograms: [String] = []
        let rowOf = candidates.map { candidate in
            if let row = uniquePrograms.firstIndex(of: candidate.program) { return row }
            uniquePrograms.append(candidate.program)
            return uniquePrograms.count - 1
        }
        let testStart = clock.now
        let matrix: PassMatrix
        do {
            matrix = try await executor.run(TestJob(
                language: context.languageId, solutions: uniquePrograms, tests: tests, limits: execution))
        } catch {
            try rethrowIfItEndsTheRequest(error)
            attempt.best = 0
            attempt.report.testMs = milliseconds(since: testStart, clock)
            attempt.report.error = "tests could not run: \(describe(error))"
            return attempt
        }
        // The executor's own wall time (a replayed recording reports the recorded one).
        attempt.report.testMs = Int(matrix.wallMs.rounded())

        let passes = rowOf.map { row in
            tests.indices.map { column in
                row < matrix.outcomes.count && column < matrix.outcomes[row].count && matrix.outcomes[row][column].passed
            }
        }
        let outcome = AgreementScoring.score(passes, k: max(k, 1), rule: scoring)
        if tests.isEmpty {
            // Nothing to agree on: prefer a candidate that at least loads.
            attempt.best = candidates.indices.first { rowOf[$0] >= matrix.loadErrors.count || matrix.loadErrors[rowOf[$0]] == nil } ?? 0
            attempt.report.error = attempt.report.error ?? "no usable tests"
        } else {
            attempt.best = outcome.best
        }
        attempt.report.bestPassed = outcome.bestPassed
        attempt.report.score = outcome.score
        attempt.report.accepted = !tests.isEmpty && outcome.score > 0 && outcome.score >= tier.threshold
        progress(.testing(tier: tier.name, passed: outcome.bestPassed, total: tests.count))
        return attempt
    }

    private static func capture(_ body: () async throws -> GenerationResult) async -> Result<GenerationResult, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    private func skippedReport(error: String, generationMs: Int) -> TierReport {
        TierReport(
            name: tier.name, model: tier.model, samples: tier.samples, tests: 0, bestPassed: 0, score: 0,
            threshold: tier.threshold, accepted: false, promptTokens: 0, completionTokens: 0, costUSD: 0,
            generationMs: generationMs, testMs: 0, error: error)
    }
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
