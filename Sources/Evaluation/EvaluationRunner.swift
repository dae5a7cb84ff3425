import Cascade
import Foundation

/// A problem with its hidden test as HumanEval has it and without the cases the prompt's
/// own examples already show, prepared once: reading the examples parses the prompt, and a
/// problem is checked once per setting (per chain when tuning).
public struct JudgedProblem: Sendable {
    public let problem: Problem
    /// The hidden test with every such case removed, so an answer is also judged on cases
    /// the cascade never saw; nil when nothing is left.
    public let hiddenTestWithoutExamples: String?

    public init(_ problem: Problem) {
        self.problem = problem
        let python = PythonLanguage()
        let examples = python.functionContext(named: problem.entryPoint, in: problem.prompt).map(python.examples(in:)) ?? []
        hiddenTestWithoutExamples = HiddenTestWithoutExamples.removingExamples(
            from: problem.test, entryPoint: problem.entryPoint, examples: examples
        ).map { $0 + "\ncheck(\(problem.entryPoint))\n" }
    }
}

/// Runs the cascade and each tier alone over problems and checks every answer against the
/// problem's hidden test.
public struct EvaluationRunner: Sendable {
    /// Builds an engine for a config; the CLI passes the real `CascadeEngine`.
    public typealias EngineFactory = @Sendable (CascadeConfig, any CodeModelProvider, any TestExecutor) -> any CompletionEngine

    public let config: CascadeConfig
    public let models: any CodeModelProvider
    public let executor: any TestExecutor
    public let makeEngine: EngineFactory
    /// Progress lines (problem i/N, running accuracy and cost, time left).
    public let log: @Sendable (String) -> Void
    /// Called once every setting has run on a problem (a recording notes it).
    public var finished: @Sendable (Problem) async throws -> Void = { _ in }

    public init(
        config: CascadeConfig, models: any CodeModelProvider, executor: any TestExecutor,
        makeEngine: @escaping EngineFactory, log: @escaping @Sendable (String) -> Void
    ) {
        self.config = config
        self.models = models
        self.executor = executor
        self.makeEngine = makeEngine
        self.log = log
    }

    /// The policies compared: the cascade, each tier alone with its k and l, each tier greedy.
    public var settings: [(name: String, config: CascadeConfig)] {
        var result: [(String, CascadeConfig)] = [("cascade", config)]
        for tier in config.tiers {
            var alone = config
            alone.tiers = [tier]
            alone.budget = BudgetConfig()
            result.append(("tier:\(tier.name)", alone))
        }
        for tier in config.tiers {
            var greedy = config
            var tier = tier
            tier.samples = 0
            tier.temperature = 0
            greedy.tiers = [tier]
            greedy.budget = BudgetConfig()
            result.append(("greedy:\(tier.name)", greedy))
        }
        return result
    }

    public func run(problems: [Problem]) async throws -> EvaluationSummary {
        var recent: [Double] = []
        var outcomes: [String: [ProblemOutcome]] = [:]
        var excluded: [String] = []
        let engines = settings.map { Setting(name: $0.name, config: $0.config, engine: makeEngine($0.config, models, executor)) }
        for (index, problem) in problems.enumerated() {
            try Task.checkCancellation()
            let problemStarted = ContinuousClock.now
            if let reason = try await brokenHiddenTest(problem) {
                excluded.append("\(problem.taskID): \(reason)")
                log("[\(index + 1)/\(problems.count)] \(problem.taskID): excluded (\(reason))")
                try await finished(problem)
                continue
            }
            for outcome in try await evaluate(JudgedProblem(problem), settings: engines) {
                outcomes[outcome.setting, default: []].append(outcome)
            }
            outcomes["oracle", default: []].append(oracle(for: problem, outcomes: outcomes))
            try await finished(problem)
            let cascade = outcomes["cascade"] ?? []
            let done = index + 1
            // The last ten problems predict the rest: a resumed recording replays its
            // first problems in milliseconds, which would make an overall mean far too low.
            recent = Array((recent + [(ContinuousClock.now - problemStarted) / .seconds(1)]).suffix(10))
            let left = recent.reduce(0, +) / Double(recent.count) * Double(problems.count - done)
            log(String(format: "[%d/%d] %@  cascade %d/%d passed, $%.6f so far, ~%.0f s left",
                       done, problems.count, problem.taskID,
                       cascade.filter(\.passedHiddenTest).count, cascade.count,
                       cascade.map(\.costUSD).reduce(0, +), left))
        }
        let names = settings.map(\.name) + ["oracle"]
        let summaries = names.map { SettingSummary.summarise(name: $0, outcomes: outcomes[$0] ?? []) }
        let evaluated = outcomes["cascade"]?.count ?? 0
        return EvaluationSummary(problems: evaluated, settings: summaries, excluded: excluded)
    }

    /// A policy with the engine that runs it.
    struct Setting: Sendable {
        var name: String
        var config: CascadeConfig
        var engine: any CompletionEngine
    }

    /// Runs every setting on one problem, outcomes in the settings' order.
    ///
    /// The single-tier settings go first, one task per tier, so that every tier's model
    /// works at once (a local pair uses both cores); the settings that combine tiers run
    /// after them and find those answers in the recording.
    func evaluate(_ problem: JudgedProblem, settings: [Setting]) async throws -> [ProblemOutcome] {
        var results: [String: ProblemOutcome] = [:]
        let byTier = Dictionary(grouping: settings.filter { $0.config.tiers.count == 1 }, by: { $0.config.tiers[0].name })
        try await withThrowingTaskGroup(of: [ProblemOutcome].self) { group in
            for tierSettings in byTier.values {
                group.addTask {
                    var outcomes: [ProblemOutcome] = []
                    for setting in tierSettings {
                        outcomes.append(try await evaluate(problem, setting: setting.name, engine: setting.engine))
                    }
                    return outcomes
                }
            }
            for try await outcomes in group {
                for outcome in outcomes { results[outcome.setting] = outcome }
            }
        }
        for setting in settings where results[setting.name] == nil {
            results[setting.name] = try await evaluate(problem, setting: setting.name, engine: setting.engine)
        }
        return settings.compactMap { results[$0.name] }
    }

    /// Runs one setting on one problem and checks its answer.
    func evaluate(_ judged: JudgedProblem, setting: String, engine: any CompletionEngine) async throws -> ProblemOutcome {
        let problem = judged.problem
        let (report, passed, passedWithoutExamples) = try await check(judged, engine: engine)
        let outputCost = report.tiers.reduce(0.0) { sum, tier in
            sum + Double(tier.completionTokens) * price(of: tier.name).outputPerMillion / 1_000_000
        }
        return ProblemOutcome(
            setting: setting, taskID: problem.taskID, passedHiddenTest: passed, passedWithoutExamples: passedWithoutExamples,
            costUSD: report.totalCostUSD, outputCostUSD: outputCost, latencyMs: Self.latencyMs(of: report),
            answeredBy: Self.answeringTier(of: report), status: report.status.rawValue)
    }

    /// Runs an engine on a problem: its report, whether the returned code passed the hidden
    /// test, and whether it passed the hidden test without the examples' cases (nil when
    /// none is left).
    func check(_ judged: JudgedProblem, engine: any CompletionEngine) async throws
        -> (report: CascadeReport, passed: Bool, passedWithoutExamples: Bool?) {
        let problem = judged.problem
        let result = try await engine.complete(Self.request(for: problem)) { _ in }
        let program = Self.apply(result, to: problem.prompt)
        let answered = !result.report.completion.isEmpty
        let passed = answered ? try await passesHiddenTest(problem, program: program) : false
        var passedWithoutExamples: Bool?
        if let reduced = judged.hiddenTestWithoutExamples {
            passedWithoutExamples = answered ? try await passes(reduced, program: program) : false
        }
        return (result.report, passed, passedWithoutExamples)
    }

    /// The models' and the sandbox's own time, so a replay reports what the recording measured.
    static func latencyMs(of report: CascadeReport) -> Double {
        report.tiers.reduce(0.0) { $0 + Double($1.generationMs + $1.testMs) }
    }

    static func answeringTier(of report: CascadeReport) -> String? {
        report.acceptedTier ?? report.tiers.last(where: { $0.error == nil })?.name
    }

    /// The cheapest tier alone whose answer passed; it pays only that tier.
    func oracle(for problem: Problem, outcomes: [String: [ProblemOutcome]]) -> ProblemOutcome {
        let alone = config.tiers.compactMap { outcomes["tier:\($0.name)"]?.last }
        let pick = alone.first(where: \.passedHiddenTest) ?? alone.first
        return ProblemOutcome(
            setting: "oracle", taskID: problem.taskID, passedHiddenTest: pick?.passedHiddenTest ?? false,
            passedWithoutExamples: pick?.passedWithoutExamples,
            costUSD: pick?.costUSD ?? 0, outputCostUSD: pick?.outputCostUSD ?? 0,
            latencyMs: pick?.latencyMs ?? 0, answeredBy: pick?.answeredBy, status: pick?.status ?? "failed")
    }

    func passesHiddenTest(_ problem: Problem, program: String) async throws -> Bool {
        try await passes(problem.hiddenTest, program: program)
    }

    /// Runs a hidden test (a `check` function and its call) against a program.
    func passes(_ hiddenTest: String, program: String) async throws -> Bool {
        var limits = config.execution
        limits.testTimeoutSeconds = max(limits.testTimeoutSeconds, 3)
        let job = TestJob(language: "python", solutions: [program], tests: [hiddenTest], limits: limits)
        return try await executor.run(job)[0, 0]
    }

    /// Why a problem cannot be used: its own canonical solution fails its hidden test.
    func brokenHiddenTest(_ problem: Problem) async throws -> String? {
        guard let canonical = problem.canonicalSolution else { return nil }
        let passes = try await passesHiddenTest(problem, program: problem.program(body: canonical))
        return passes ? nil : "the hidden test fails on the canonical solution"
    }

    func price(of tierName: String) -> Price {
        config.tiers.first(where: { $0.name == tierName })?.price ?? Price()
    }

    /// The editor's view of a HumanEval problem: the prompt, cursor on the line after it.
    public static func request(for problem: Problem) -> CompletionRequest {
        let lineCount = problem.prompt.split(separator: "\n", omittingEmptySubsequences: false).count
        return CompletionRequest(text: problem.prompt, line: max(0, lineCount - 1), utf16Column: 0, languageId: "python")
    }

    /// The document after the completion's edit, and the import edit at its top when the
    /// report carries module-level imports the prompt lacks (as an editor applies both).
    static func apply(_ result: CompletionResult, to text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = min(result.startLine, lines.count)
        let end = min(max(result.endLine, start), lines.count)
        let body = result.report.completion.hasSuffix("\n") ? String(result.report.completion.dropLast()) : result.report.completion
        lines.replaceSubrange(start..<end, with: body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        // The imports go above the function, so the body's line numbers still hold for them.
        if let imports = result.report.imports,
           let insertion = PythonLanguage().moduleImportInsertion(of: imports, in: text), insertion.line <= start {
            var added = insertion.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if added.last == "" { added.removeLast() }
            lines.insert(contentsOf: added, at: insertion.line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
