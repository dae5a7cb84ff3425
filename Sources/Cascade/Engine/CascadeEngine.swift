import Foundation
import Synchronization

/// The model cascade of "Model Cascading for Code": tiers in order, each writing k
/// solutions and its own tests; the first tier whose candidates agree with the tests
/// (score ≥ θ) answers, otherwise the request escalates; the last tier always answers.
public struct CascadeEngine: CompletionEngine {
    public let config: CascadeConfig
    private let models: any CodeModelProvider
    private let executor: any TestExecutor
    private let cache: CompletionCache?
    private let languages: LanguageRegistry
    private let makeID: @Sendable () -> String
    private let configFingerprint: String

    /// - Parameters:
    ///   - cache: verified completions to reuse; nil to always run the cascade.
    ///   - languages: the languages that can be tested; others get a plain completion.
    ///   - makeID: report ids (`c-1`, `c-2`, … by default).
    public init(
        config: CascadeConfig,
        models: any CodeModelProvider,
        executor: any TestExecutor,
        cache: CompletionCache? = nil,
        languages: LanguageRegistry = .standard,
        makeID: @escaping @Sendable () -> String = CascadeEngine.sequentialIDs()
    ) {
        self.config = config
        self.models = models
        self.executor = executor
        self.cache = cache
        self.languages = languages
        self.makeID = makeID
        configFingerprint = CompletionCacheKey.fingerprint(of: config)
    }

    /// `c-1`, `c-2`, … (a fresh counter per call).
    public static func sequentialIDs(prefix: String = "c-") -> @Sendable () -> String {
        let counter = IDCounter()
        return { counter.next(prefix) }
    }

    public func complete(
        _ request: CompletionRequest,
        progress: @escaping @Sendable (CascadeProgress) -> Void
    ) async throws -> CompletionResult {
        guard !config.tiers.isEmpty else { throw CascadeEngineError.noTiers }
        try Task.checkCancellation()
        let clock = ContinuousClock()
        let start = clock.now
        let language = languages.language(languageId: request.languageId, uri: request.uri)
            ?? UnsupportedLanguage(languageId: request.languageId, supported: languages.supportedIds)
        let context = language.context(in: request.text, line: request.line, utf16Column: request.utf16Column)
        let id = makeID()
        let meter = SpendMeter()
        let models = MeteredModelProvider(base: self.models, meter: meter)

        // The function as the cache knows it: its cache key, and the result's `function`.
        let key = context.isTestable ? CompletionCacheKey(context: context, configFingerprint: configFingerprint) : nil
        let report: CascadeReport
        do {
            if let key {
                if let cache, let hit = await cache.lookup(key) {
                    report = cachedReport(hit, id: id, latencyMs: milliseconds(since: start, clock))
                } else {
                    report = try await cascade(context: context, language: language, models: models, mode: request.mode, id: id,
                                               start: start, clock: clock, progress: progress)
                    if report.status == .passed, let cache { await cache.store(report, for: key) }
                }
            } else {
                report = try await PlainCompletion(
                    config: config, language: language, context: context, models: models, executor: executor
                ).run(mode: request.mode, id: id, start: start, clock: clock, progress: progress)
            }
        } catch where error is CancellationError || Task.isCancelled {
            let tiers = meter.tierReports
            throw CancelledCascade(report: CascadeReport(
                id: id, status: .cancelled, language: context.languageId, entryPoint: context.entryPoint, completion: "",
                acceptedTier: nil, tiers: tiers, tests: [], totalCostUSD: tiers.reduce(0) { $0 + $1.costUSD },
                baselineCostUSD: 0, baselineIsEstimate: true, latencyMs: milliseconds(since: start, clock),
                reason: "cancelled after \(tiers.isEmpty ? "no model call" : "calls to " + tiers.map(\.name).joined(separator: ", "))"))
        }
        progress(.finished(report.status))
        let verified = report.status == .passed || report.status == .cached
        return CompletionResult(
            report: report, startLine: context.startLine, endLine: context.endLine,
            largerTiersRemain: context.isTestable && request.mode == .firstTier && config.tiers.count > 1 && !verified,
            function: key)
    }

    // MARK: - The cascade

    private func cascade(
        context: CompletionContext, language: any LanguageSupport, models: any CodeModelProvider, mode: CompletionRequest.Mode, id: String,
        start: ContinuousClock.Instant, clock: ContinuousClock, progress: @escaping @Sendable (CascadeProgress) -> Void
    ) async throws -> CascadeReport {
        let tiers = mode == .firstTier ? [config.tiers[0]] : config.tiers
        let examples = language.examples(in: context)
        var attempts: [TierRunner.Attempt] = []
        var inherited: [String] = []
        var spent = 0.0
        var budgetNote: String?

        for (index, tier) in tiers.enumerated() {
            try Task.checkCancellation()
            if let limit = config.budget.perRequestUSD {
                let estimate = estimatedCost(of: tier, context: context, language: language, after: attempts)
                if spent + estimate > limit {
                    budgetNote = String(
                        format: "budget: tier '%@' would cost about $%.6f (spent $%.6f of $%.6f per request), so the cascade stopped before it",
                        tier.name, estimate, spent, limit)
                    attempts.append(TierRunner.Attempt(report: TierReport(
                        name: tier.name, model: tier.model, samples: tier.samples, tests: 0, bestPassed: 0, score: 0,
                        threshold: tier.threshold, accepted: false, promptTokens: 0, completionTokens: 0, costUSD: 0,
                        generationMs: 0, testMs: 0, error: budgetNote)))
                    break
                }
            }
            if index > 0 { progress(.escalating(from: tiers[index - 1].name, to: tier.name)) }
            let attempt = try await TierRunner(
                tier: tier, language: language, context: context, models: models, executor: executor,
                execution: config.execution, scoring: config.scoring, sampling: config.sampling,
                examples: examples.map(\.test), progress: progress
            ).run(inheritedTests: inherited)
            spent += attempt.report.costUSD
            attempts.append(attempt)
            if attempt.tests.count > inherited.count { inherited = attempt.tests }
            if attempt.report.accepted { break }
        }
        try Task.checkCancellation()

        let accepted = attempts.last { $0.report.accepted }
        let answering = accepted ?? attempts.last { $0.answer != nil }
        let status: CascadeReport.Status
        var reason: String?
        if accepted != nil {
            status = .passed
        } else if let answering {
            status = .unverified
            let short = String(format: "%.2f", answering.report.score)
            reason = budgetNote
                ?? (mode == .firstTier && config.tiers.count > 1
                    ? "first-tier mode: '\(answering.report.name)' scored \(short), below its threshold \(answering.report.threshold); run the full cascade to escalate"
                    : Self.unsatisfiedExample(in: answering, examples: examples)
                    ?? "no tier reached its threshold; the answer of '\(answering.report.name)' (score \(short)) is unverified")
        } else {
            status = .failed
            let errors = attempts.compactMap { attempt in attempt.report.error.map { "\(attempt.report.name): \($0)" } }
            reason = "no usable answer: " + (errors.isEmpty ? "no tier produced code" : errors.joined(separator: "; "))
        }

        let lastTier = config.tiers[config.tiers.count - 1]
        let lastUsage = attempts.last { $0.report.name == lastTier.name && $0.usage != nil && tiers.count == config.tiers.count }?.usage
        let reference = answering?.usage ?? attempts.last { $0.usage != nil }?.usage
        let baseline = CostModel.baseline(last: lastTier, lastUsage: lastUsage, reference: reference)
        return CascadeReport(
            id: id, status: status, language: context.languageId, entryPoint: context.entryPoint,
            completion: answering?.answer?.completion ?? "", acceptedTier: answering?.report.name,
            tiers: attempts.map(\.report), tests: answering?.tests ?? [],
            totalCostUSD: attempts.reduce(0) { $0 + $1.report.costUSD },
            baselineCostUSD: baseline.usd, baselineIsEstimate: baseline.isEstimate,
            latencyMs: milliseconds(since: start, clock), reason: reason, examples: answering?.report.examples,
            imports: answering?.answer?.moduleImports)
    }

    /// When no candidate of the answering tier passed every example (its answer, the
    /// closest one, did not): the example to name (one nothing satisfied if there is one),
    /// since the example itself may be wrong.
    private static func unsatisfiedExample(in attempt: TierRunner.Attempt, examples: [UserExample]) -> String? {
        guard let counts = attempt.report.examples, counts.passed < counts.total,
              let (column, satisfied) = ExampleRule.leastSatisfied(attempt.examplePasses, examples: examples.count) else { return nil }
        let written = attempt.examplePasses.count
        let who = satisfied == 0 ? "none of the \(written) candidate(s)" : "only \(satisfied) of \(written) candidate(s), none passing every example,"
        return "\(who) of '\(attempt.report.name)' satisfied your example `\(examples[column].call)` → \(examples[column].expected); the answer is unverified (check the example: it may be the one that is wrong)"
    }

    /// The expected cost of `tier`, using the output length measured on earlier tiers.
    private func estimatedCost(of tier: TierConfig, context: CompletionContext, language: any LanguageSupport,
                               after attempts: [TierRunner.Attempt]) -> Double {
        let solution = PromptLibrary.solution(for: context, language.vocabulary)
        let tests = PromptLibrary.tests(for: context, count: max(tier.testLines, 1), language.vocabulary)
        let characters = { (prompt: PreparedPrompt) in
            tier.api == .chat ? prompt.prompt.messages.reduce(0) { $0 + $1.content.count } : prompt.prompt.text.count
        }
        let measured = attempts.compactMap(\.usage).map { usage -> Double in
            let samples = max(usage.tier.samples, 1) + usage.tier.samples
            return Double(usage.completionTokens) / Double(samples)
        }
        return CostModel.estimate(
            tier: tier, solutionPromptCharacters: characters(solution), testPromptCharacters: characters(tests),
            outputTokensPerSample: measured.isEmpty ? nil : measured.reduce(0, +) / Double(measured.count))
    }

    private func cachedReport(_ original: CascadeReport, id: String, latencyMs: Int) -> CascadeReport {
        var report = original
        report.id = id
        report.status = .cached
        report.tiers = []
        report.totalCostUSD = 0
        report.latencyMs = latencyMs
        report.reason = nil
        return report
    }
}

/// Errors the engine throws for bad input (cancellation is `CancelledCascade`).
public enum CascadeEngineError: Error, Equatable, CustomStringConvertible {
    case noTiers

    public var description: String {
        switch self {
        case .noTiers: "the configuration has no tiers; add at least one entry to \"tiers\" (cheapest first)"
        }
    }
}

/// A counter shared by the closures `sequentialIDs` returns.
private final class IDCounter: Sendable {
    private let counter = Mutex(0)

    func next(_ prefix: String) -> String {
        let value = counter.withLock { value in
            value += 1
            return value
        }
        return "\(prefix)\(value)"
    }
}
