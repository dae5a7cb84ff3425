/// Batch sampling, the paper's method: k solutions and k test samples asked for at once,
/// every solution run against every test, and the agreement score decides.
extension TierRunner {
    func runBatch(inheritedTests: [String]) async throws -> Attempt {
        let clock = ContinuousClock()
        let generationStart = clock.now
        let k = tier.samples

        let solutionOutcome: Result<GenerationResult, any Error>
        var testOutcome: Result<GenerationResult, any Error>?
        do {
            let model = try await models.model(for: tier)
            let solutions = solutionRequest(samples: max(k, 1), temperature: k == 0 ? 0 : tier.temperature)
            (solutionOutcome, testOutcome) = await generate(solutions, withTests: k > 0 && tier.testSampleCount > 0, from: model)
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
        let tests = inheritedTests + ownTests(from: testSamples, inherited: inheritedTests)
        let solutions: GenerationResult
        switch solutionOutcome {
        case .success(let result):
            solutions = result
        case .failure(let error):
            // The tests that did come back are paid for and passed on to the next tier.
            let paid = testSamples.map {
                CostModel.TierUsage(tier: tier, solutionPromptTokens: 0, solutionCompletionTokens: 0,
                                    testPromptTokens: $0.promptTokens, testCompletionTokens: $0.completionTokens)
            }
            return Attempt(report: emptyReport(error: "model failed: \(describe(error))", generationMs: generationMs, usage: paid),
                           tests: tests, usage: paid)
        }
        let usage = CostModel.TierUsage(
            tier: tier, solutionPromptTokens: solutions.promptTokens, solutionCompletionTokens: solutions.completionTokens,
            testPromptTokens: testSamples?.promptTokens ?? 0, testCompletionTokens: testSamples?.completionTokens ?? 0)

        let candidates = solutions.texts.compactMap(extract)
        var attempt = Attempt(
            report: TierReport(
                name: tier.name, model: tier.model, samples: k, tests: tests.count, inheritedTests: inheritedTests.count,
                bestPassed: 0, score: 0, threshold: tier.threshold, accepted: false,
                promptTokens: usage.promptTokens, completionTokens: usage.completionTokens,
                usageEstimated: solutions.usageEstimated || (testSamples?.usageEstimated ?? false),
                costUSD: usage.costUSD, generationMs: generationMs, testMs: 0),
            candidates: candidates, tests: tests, usage: usage)
        attempt.report.candidates = solutions.texts.count
        if case .failure(let error) = testOutcome {
            attempt.report.error = "test generation failed: \(describe(error))"
        }
        guard !candidates.isEmpty else {
            attempt.report.error = "no usable solution in \(solutions.texts.count) sample(s)"
            return attempt
        }
        // All arrive at once; the first stands for the tier while they are tested.
        announce(candidates[0], index: 0)

        // Identical programs (common at small sizes) run once; their rows are shared.
        var uniquePrograms: [String] = []
        let rowOf = candidates.map { candidate in
            if let row = uniquePrograms.firstIndex(of: candidate.program) { return row }
            uniquePrograms.append(candidate.program)
            return uniquePrograms.count - 1
        }
        let run: TestRun
        switch try await execute(uniquePrograms, tests: examples + tests) {
        case .success(let result):
            run = result
        case .failure(let failure):
            attempt.best = 0
            attempt.report.error = failure.message
            return attempt
        }
        // The executor's own wall time (a replayed recording reports the recorded one).
        attempt.report.testMs = Int(run.wallMs.rounded())
        let rows = rowOf.map { ExampleRule.Row(passes: run.passes[$0], examples: examples.count) }
        attempt.examplePasses = rowOf.map { Array(run.passes[$0].prefix(examples.count)) }

        // Agreement on the model's tests, among the candidates that pass every example.
        let modelPasses = rowOf.indices.map { index in
            rows[index].passesEveryExample ? Array(run.passes[rowOf[index]].dropFirst(examples.count)) : tests.map { _ in false }
        }
        let outcome = AgreementScoring.score(modelPasses, k: max(k, 1), rule: scoring)
        let eligible = rows.indices.filter { rows[$0].passesEveryExample }
        if tests.isEmpty && examples.isEmpty {
            // Nothing to agree on: prefer a candidate that at least loads.
            attempt.best = candidates.indices.first { run.loaded[rowOf[$0]] } ?? 0
            attempt.report.error = attempt.report.error ?? "no usable tests"
        } else if eligible.isEmpty {
            attempt.best = ExampleRule.closest(rows)
        } else if tests.isEmpty {
            attempt.best = eligible[0]
        } else {
            attempt.best = outcome.best.flatMap { eligible.contains($0) ? $0 : nil } ?? eligible[0]
        }
        attempt.report.bestPassed = outcome.bestPassed
        // With examples and no model tests, passing every example is the whole score.
        attempt.report.score = tests.isEmpty ? (!examples.isEmpty && !eligible.isEmpty ? 1 : 0) : outcome.score
        attempt.report.accepted = attempt.report.score > 0 && attempt.report.score >= tier.threshold
        if let best = attempt.best, !examples.isEmpty {
            attempt.report.examples = ExampleCounts(passed: rows[best].examplesPassed, total: examples.count)
        }
        progress(.testing(tier: tier.name, passed: outcome.bestPassed, total: tests.count))
        return attempt
    }
}
