/// One greedy answer for a context that cannot be tested (a nested function, code outside
/// any function, a language without support), checked for syntax where the language can.
///
/// An invoked request asks the last (best) tier; an automatic one asks the first (cheapest).
struct PlainCompletion: Sendable {
    let config: CascadeConfig
    let language: any LanguageSupport
    let context: CompletionContext
    let models: any CodeModelProvider
    let executor: any TestExecutor

    func run(
        mode: CompletionRequest.Mode, id: String, start: ContinuousClock.Instant, clock: ContinuousClock,
        progress: @escaping @Sendable (CascadeProgress) -> Void
    ) async throws -> CascadeReport {
        let tier = mode == .firstTier ? config.tiers[0] : config.tiers[config.tiers.count - 1]
        let lastTier = config.tiers[config.tiers.count - 1]
        let prompt = PromptLibrary.plain(for: context, language.vocabulary)
        var reason = context.untestableReason ?? "plain completion"
        progress(.generating(tier: tier.name))

        let generationStart = clock.now
        let result: GenerationResult
        do {
            let model = try await models.model(for: tier)
            result = try await model.generate(GenerationRequest(
                prompt: prompt.prompt, samples: 1, temperature: 0, maxTokens: tier.maxTokens, stop: prompt.stop(for: tier.api)))
        } catch {
            try rethrowIfItEndsTheRequest(error)
            let message = "model failed: \(describe(error))"
            return report(id: id, status: .failed, completion: "", tier: tier, last: lastTier, result: nil,
                          generationMs: milliseconds(since: generationStart, clock), testMs: 0, error: message,
                          reason: "\(reason); \(message)", latencyMs: milliseconds(since: start, clock))
        }
        let generationMs = milliseconds(since: generationStart, clock)
        let completion = language.extractPlainCompletion(from: prompt.extractable(result.texts.first ?? "", api: tier.api), for: context)
        guard !completion.allSatisfy(\.isWhitespace) else {
            return report(id: id, status: .failed, completion: "", tier: tier, last: lastTier, result: result,
                          generationMs: generationMs, testMs: 0, error: "no usable code in the answer",
                          reason: "\(reason); the model's answer held no code", latencyMs: milliseconds(since: start, clock))
        }

        var testMs = 0
        if let program = language.syntaxCheckProgram(for: completion, in: context) {
            let testStart = clock.now
            do {
                let matrix = try await executor.run(TestJob(
                    language: context.languageId, solutions: [program], tests: [], limits: config.execution))
                if let problem = matrix.loadErrors.first ?? nil {
                    reason += "; syntax check failed: \(problem)"
                } else {
                    reason += "; syntax check passed"
                }
            } catch {
                try rethrowIfItEndsTheRequest(error)
                reason += "; syntax check could not run: \(describe(error))"
            }
            testMs = milliseconds(since: testStart, clock)
        }
        return report(id: id, status: .unverified, completion: completion, tier: tier, last: lastTier, result: result,
                      generationMs: generationMs, testMs: testMs, error: nil, reason: reason,
                      latencyMs: milliseconds(since: start, clock))
    }

    private func report(
        id: String, status: CascadeReport.Status, completion: String, tier: TierConfig, last: TierConfig,
        result: GenerationResult?, generationMs: Int, testMs: Int, error: String?, reason: String, latencyMs: Int
    ) -> CascadeReport {
        let prompt = result?.promptTokens ?? 0
        let output = result?.completionTokens ?? 0
        let cost = CostModel.cost(promptTokens: prompt, completionTokens: output, price: tier.price)
        // The last tier alone would have made the same single call.
        let baseline = CostModel.cost(promptTokens: prompt, completionTokens: output, price: last.price)
        let tierReport = TierReport(
            name: tier.name, model: tier.model, samples: 1, tests: 0, bestPassed: 0, score: 0, threshold: tier.threshold,
            accepted: false, promptTokens: prompt, completionTokens: output, usageEstimated: result?.usageEstimated ?? false,
            costUSD: cost, generationMs: generationMs, testMs: testMs, error: error)
        return CascadeReport(
            id: id, status: status, language: context.languageId, entryPoint: context.entryPoint, completion: completion,
            acceptedTier: status == .failed ? nil : tier.name, tiers: [tierReport], tests: [], totalCostUSD: cost,
            baselineCostUSD: baseline, baselineIsEstimate: tier != last, latencyMs: latencyMs, reason: reason)
    }
}
