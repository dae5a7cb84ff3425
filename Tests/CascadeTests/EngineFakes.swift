import Synchronization
@testable import Cascade

/// A model that answers solution prompts and test prompts from scripts, records every
/// request, and can fail, hang until cancelled, or wait for its sibling request.
final class ScriptedModel: CodeModel, Sendable {
    enum Behaviour: Sendable {
        case answer
        case fail(String)
        /// Solution requests fail, test requests answer.
        case failSolutions(String)
        /// Never answers; returns only by cancellation.
        case hang
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let solutions: [String]
    let tests: [String]
    let behaviour: Behaviour
    let promptTokensPerCall: Int
    let completionTokensPerSample: Int
    private let state = Mutex(State())
    private let startedStream: AsyncStream<Void>
    private let startedContinuation: AsyncStream<Void>.Continuation

    struct State {
        var requests: [GenerationRequest] = []
        var inFlight = 0
        var maxInFlight = 0
        var cancelled = 0
    }

    init(solutions: [String], tests: [String] = [], behaviour: Behaviour = .answer,
         promptTokensPerCall: Int = 100, completionTokensPerSample: Int = 50) {
        self.solutions = solutions
        self.tests = tests
        self.behaviour = behaviour
        self.promptTokensPerCall = promptTokensPerCall
        self.completionTokensPerSample = completionTokensPerSample
        (startedStream, startedContinuation) = AsyncStream<Void>.makeStream()
    }

    var requests: [GenerationRequest] { state.withLock { $0.requests } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    var cancelledCalls: Int { state.withLock { $0.cancelled } }

    /// Returns once a request has started.
    func waitUntilStarted() async {
        var iterator = startedStream.makeAsyncIterator()
        _ = await iterator.next()
    }

    static func isTestPrompt(_ request: GenerationRequest) -> Bool {
        request.prompt.text.contains("# Tests for")
    }

    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        state.withLock {
            $0.requests.append(request)
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        startedContinuation.yield()
        switch behaviour {
        case .fail(let message):
            throw Failure(description: message)
        case .failSolutions(let message) where !Self.isTestPrompt(request):
            throw Failure(description: message)
        case .hang:
            do {
                try await Task.sleep(for: .seconds(600))
            } catch {
                state.withLock { $0.cancelled += 1 }
                throw error
            }
            throw Failure(description: "hang ended without cancellation")
        case .answer, .failSolutions:
            // Let the sibling request of the tier start before answering.
            for _ in 0..<50 { await Task.yield() }
            let script = Self.isTestPrompt(request) ? tests : solutions
            let samples = max(request.samples, 1)
            // One answer of a sequence: the greedy first is the script's first, the sampled
            // ones follow it.
            let first = request.sampleIndex.map { request.temperature == 0 ? 0 : $0 + 1 } ?? 0
            let texts = (first..<first + samples).map { script.isEmpty ? "" : script[$0 % script.count] }
            return GenerationResult(
                texts: texts, promptTokens: promptTokensPerCall * samples,
                completionTokens: completionTokensPerSample * samples, latencyMs: 1)
        }
    }
}

/// Gives each tier its scripted model; a tier without one fails like an unreachable endpoint.
struct ScriptedProvider: CodeModelProvider {
    let models: [String: ScriptedModel]

    func model(for tier: TierConfig) async throws -> any CodeModel {
        guard let model = models[tier.name] else {
            throw ScriptedModel.Failure(description: "tier '\(tier.name)' unreachable; check its endpoint")
        }
        return model
    }
}

/// A sandbox that decides each (solution, test) cell with a rule and records every job.
final class ScriptedExecutor: TestExecutor, Sendable {
    let passes: @Sendable (_ program: String, _ test: String) -> Bool
    let loadError: @Sendable (_ program: String) -> String?
    private let jobs = Mutex<[TestJob]>([])

    init(passes: @escaping @Sendable (String, String) -> Bool,
         loadError: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.passes = passes
        self.loadError = loadError
    }

    var recordedJobs: [TestJob] { jobs.withLock { $0 } }

    func run(_ job: TestJob) async throws -> PassMatrix {
        try Task.checkCancellation()
        jobs.withLock { $0.append(job) }
        let outcomes = job.solutions.map { program in
            job.tests.map { test in passes(program, test) ? TestOutcome.pass : .fail }
        }
        return PassMatrix(
            outcomes: outcomes,
            durationsMs: outcomes.map { $0.map { _ in 1 } },
            loadErrors: job.solutions.map(loadError), wallMs: 1)
    }
}

/// A language that is Python with the examples a test gives, so engine tests do not
/// depend on how docstrings are read.
struct PythonWithExamples: LanguageSupport {
    let examples: [UserExample]
    private let base = PythonLanguage()

    init(_ examples: [UserExample]) { self.examples = examples }

    var languageId: String { base.languageId }
    var fileExtensions: [String] { base.fileExtensions }
    var vocabulary: PromptVocabulary { base.vocabulary }
    func context(in text: String, line: Int, utf16Column: Int?) -> CompletionContext {
        base.context(in: text, line: line, utf16Column: utf16Column)
    }
    func extractSolution(from raw: String, for context: CompletionContext) -> SolutionCandidate? {
        base.extractSolution(from: raw, for: context)
    }
    func extractTests(from raw: String, for context: CompletionContext, limit: Int) -> [String] {
        base.extractTests(from: raw, for: context, limit: limit)
    }
    func extractPlainCompletion(from raw: String, for context: CompletionContext) -> String {
        base.extractPlainCompletion(from: raw, for: context)
    }
    func syntaxCheckProgram(for completion: String, in context: CompletionContext) -> String? {
        base.syntaxCheckProgram(for: completion, in: context)
    }
    func examples(in context: CompletionContext) -> [UserExample] { examples }
}

/// Collects progress events in order.
final class ProgressLog: Sendable {
    private let events = Mutex<[CascadeProgress]>([])
    var all: [CascadeProgress] { events.withLock { $0 } }
    var callback: @Sendable (CascadeProgress) -> Void { { event in self.events.withLock { $0.append(event) } } }
}

/// The function and model outputs the engine tests share.
enum EngineFixtures {
    static let document = """
        import math


        def add(a, b):
            \"\"\"Return the sum of a and b.\"\"\"

        """
    static let line = 4

    static let good = "Here you go:\n```python\ndef add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n    return a + b\n\nprint(add(1, 2))\n"
    static let bad = "```python\ndef add(a, b):\n    return a - b\n```"
    static let testsAB = "```python\nassert add(1, 2) == 3\nassert add(2, 2) == 4\n```"
    static let testsBC = "```python\nassert add(2, 2) == 4\nassert add(0, 5) == 5\n```"
    /// Right for 1 + 2 but not in general: passes the example `add(1, 2)` and nothing else.
    static let onlyOneTwo = "```python\ndef add(a, b):\n    return 3\n```"
    static let exampleOneTwo = UserExample(call: "add(1, 2)", expected: "3", test: "assert add(1, 2) == 3")
    static let exampleTwoTwo = UserExample(call: "add(2, 2)", expected: "4", test: "assert add(2, 2) == 4")

    /// A correct program passes every test; a wrong one passes none.
    static func executor() -> ScriptedExecutor { ScriptedExecutor { program, _ in program.contains("return a + b") } }

    static func tier(_ name: String, samples: Int = 3, threshold: Double = 0.8, input: Double = 0, output: Double) -> TierConfig {
        TierConfig(name: name, endpoint: "http://127.0.0.1:1/v1", model: "\(name)-model",
                   price: Price(inputPerMillion: input, outputPerMillion: output),
                   samples: samples, testLines: 2, threshold: threshold, maxTokens: 200)
    }

    static let small = tier("small", output: 1)
    static let medium = tier("medium", input: 2, output: 10)

    static func request(_ text: String = document, line: Int = line, language: String = "python",
                        mode: CompletionRequest.Mode = .full) -> CompletionRequest {
        CompletionRequest(text: text, line: line, utf16Column: 0, languageId: language, uri: nil, mode: mode)
    }
}
