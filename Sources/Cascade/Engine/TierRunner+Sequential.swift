/// Sequential sampling: one candidate at a time (the first at temperature 0, the rest at
/// the tier's temperature), each tested as soon as it arrives; the tier stops at the first
/// candidate its acceptance rule takes, so an easy function costs one answer.
///
/// The rule: with examples in the docstring, a candidate that passes all of them and at
/// least the share `threshold` of the model's tests (which are then only asked for when
/// `threshold` is above 0); without examples, the agreement score (CodeT or the paper's)
/// over the candidates so far reaching `threshold`.
extension TierRunner {
    func runSequential(inheritedTests: [String]) async throws -> Attempt {
        let clock = ContinuousClock()
        let start = clock.now
        let model: any CodeModel
        do {
            model = try await models.model(for: tier)
        } catch {
            try rethrowIfItEndsTheRequest(error)
            let message = "model failed: \(describe(error))"
            return Attempt(report: emptyReport(error: message, generationMs: milliseconds(since: start, clock), usage: nil),
                           tests: inheritedTests)
        }

        // The first candidate goes alone and is shown as soon as it is written; the model's
        // tests, when the rule needs them, are asked for after it. Asked for together, a
        // one-request-at-a-time local server may answer the tests first, and the editor's
        // first text would wait for them. k = 0 is one greedy answer and no tests of its
        // own, as with batch sampling.
        let needsTests = (examples.isEmpty || tier.threshold > 0) && tier.samples > 0 && tier.testSampleCount > 0
        let first = await Self.capture { try await model.generate(candidateRequest(0)) }
        if case .failure(let error) = first { try rethrowIfItEndsTheRequest(error) }
        let firstCandidate = (try? first.get())?.texts.first.flatMap(extract)
        if let firstCandidate { announce(firstCandidate, index: 0) }
        let testOutcome = needsTests ? await Self.capture { try await model.generate(testRequest()) } : nil
        if case .failure(let error) = testOutcome { try rethrowIfItEndsTheRequest(error) }
        let testSamples = try? testOutcome?.get()
        let tests = inheritedTests + ownTests(from: testSamples, inherited: inheritedTests)

        var state = SequentialState(examples: examples.count, tests: tests.count)
        var generationMs = testSamples?.latencyMs ?? 0
        var usage = CostModel.TierUsage(
            tier: tier, solutionPromptTokens: 0, solutionCompletionTokens: 0,
            testPromptTokens: testSamples?.promptTokens ?? 0, testCompletionTokens: testSamples?.completionTokens ?? 0)
        var estimated = testSamples?.usageEstimated ?? false
        var errors: [String] = []
        var testMs = 0.0
        var written = 0

        asking: for index in 0..<max(tier.samples, 1) {
            let outcome: Result<GenerationResult, any Error>
            if index == 0 {
                outcome = first
            } else {
                let request = candidateRequest(index)
                outcome = await Self.capture { try await model.generate(request) }
            }
            let answer: GenerationResult
            switch outcome {
            case .success(let result):
                answer = result
            case .failure(let error):
                try rethrowIfItEndsTheRequest(error)
                errors.append("model failed: \(describe(error))")
                break asking
            }
            written += 1
            usage.solutionPromptTokens += answer.promptTokens
            usage.solutionCompletionTokens += answer.completionTokens
            estimated = estimated || answer.usageEstimated
            generationMs += answer.latencyMs
            guard let candidate = index == 0 ? firstCandidate : answer.texts.first.flatMap(extract) else { continue }

            let passes: [Bool]
            if let known = state.passes(of: candidate.program) {
                passes = known
            } else {
                if index > 0 { announce(candidate, index: written - 1) }
                switch try await execute([candidate.program], tests: examples + tests) {
                case .success(let run):
                    passes = run.passes[0]
                    testMs += run.wallMs
                    state.loaded[candidate.program] = run.loaded[0]
                case .failure(let failure):
                    errors.append(failure.message)
                    state.add(candidate, passes: Array(repeating: false, count: examples.count + tests.count))
                    break asking
                }
            }
            state.add(candidate, passes: passes)
            if let accepted = state.accepted(threshold: tier.threshold, scoring: scoring) {
                state.best = accepted
                state.isAccepted = true
                break asking
            }
            progress(.testing(tier: tier.name, passed: state.rows.last?.testsPassed ?? 0, total: tests.count))
            // With nothing to test against, more candidates cannot be told apart.
            if examples.isEmpty && tests.isEmpty { break asking }
        }
        if !state.isAccepted { state.best = state.fallback(scoring: scoring) }
        // A failed test request matters only if a candidate came back to be tested.
        if case .failure(let error) = testOutcome, written > 0 {
            errors.insert("test generation failed: \(describe(error))", at: 0)
        }
        if examples.isEmpty && tests.isEmpty && !state.candidates.isEmpty { errors.append("no usable tests") }
        if state.candidates.isEmpty && written > 0 { errors.append("no usable solution in \(written) sample(s)") }

        usage.candidates = written
        var report = TierReport(
            name: tier.name, model: tier.model, samples: tier.samples, tests: tests.count,
            inheritedTests: inheritedTests.count, bestPassed: 0, score: 0, threshold: tier.threshold,
            accepted: state.isAccepted, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens,
            usageEstimated: estimated, costUSD: usage.costUSD, generationMs: generationMs,
            testMs: Int(testMs.rounded()), error: errors.isEmpty ? nil : errors.joined(separator: "; "))
        report.candidates = written
        if let best = state.best {
            let row = state.rows[best]
            report.bestPassed = row.testsPassed
            report.score = state.score(of: best, scoring: scoring)
            if !examples.isEmpty { report.examples = ExampleCounts(passed: row.examplesPassed, total: examples.count) }
        }
        progress(.testing(tier: tier.name, passed: report.bestPassed, total: tests.count))
        return Attempt(report: report, candidates: state.candidates, best: state.best, tests: tests,
                       usage: usage, examplePasses: state.passes.map { Array($0.prefix(examples.count)) })
    }

    /// Candidate `index` of the tier: the first greedy, the rest sampled, each its own
    /// position in the sequence of answers at that temperature (the client's seed).
    func candidateRequest(_ index: Int) -> GenerationRequest {
        if index == 0 || tier.temperature == 0 {
            return solutionRequest(samples: 1, temperature: 0, sampleIndex: tier.temperature == 0 ? index : 0)
        }
        return solutionRequest(samples: 1, temperature: tier.temperature, sampleIndex: index - 1)
    }
}

/// The candidates of one sequential tier so far and what they passed.
private struct SequentialState {
    let examples: Int
    let tests: Int
    var candidates: [SolutionCandidate] = []
    /// Per candidate: examples first, then the model's tests.
    var passes: [[Bool]] = []
    var rows: [ExampleRule.Row] = []
    var loaded: [String: Bool] = [:]
    var best: Int?
    var isAccepted = false

    init(examples: Int, tests: Int) {
        self.examples = examples
        self.tests = tests
    }

    /// The results of a program already run (small models often repeat themselves).
    func passes(of program: String) -> [Bool]? {
        candidates.firstIndex { $0.program == program }.map { passes[$0] }
    }

    mutating func add(_ candidate: SolutionCandidate, passes row: [Bool]) {
        candidates.append(candidate)
        passes.append(row)
        rows.append(ExampleRule.Row(passes: row, examples: examples))
    }

    /// The model's tests only, per candidate.
    var modelPasses: [[Bool]] { passes.map { Array($0.dropFirst(examples)) } }

    /// The candidate the rule accepts now, if any.
    func accepted(threshold: Double, scoring: ScoringRule) -> Int? {
        if examples > 0 {
            guard let last = rows.indices.last, ExampleRule.accepts(rows[last], threshold: threshold) else { return nil }
            return last
        }
        guard tests > 0 else { return nil }
        let outcome = AgreementScoring.score(modelPasses, k: candidates.count, rule: scoring)
        return outcome.score > 0 && outcome.score >= threshold ? outcome.best : nil
    }

    /// The candidate to return when none was accepted.
    func fallback(scoring: ScoringRule) -> Int? {
        guard !candidates.isEmpty else { return nil }
        if examples > 0 { return ExampleRule.closest(rows) }
        if tests == 0 { return candidates.indices.first { loaded[candidates[$0].program] ?? true } ?? 0 }
        return AgreementScoring.score(modelPasses, k: candidates.count, rule: scoring).best
    }

    /// The score the report shows: with examples, the share of the model's tests the
    /// candidate passed (0 when it fails an example); else the agreement score so far.
    func score(of index: Int, scoring: ScoringRule) -> Double {
        if examples > 0 { return rows[index].passesEveryExample ? rows[index].testShare : 0 }
        return AgreementScoring.score(modelPasses, k: candidates.count, rule: scoring).score
    }
}
