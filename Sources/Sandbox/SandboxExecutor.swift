import Cascade
import Foundation
import Processes
import Synchronization

/// Runs generated solutions against generated tests in isolation and fills the pass matrix.
///
/// One interpreter per solution runs all of that solution's tests; at most
/// `execution.parallelism` solutions run at once. The layers are probed once
/// per language and process; see `probe(language:)`.
public struct SandboxExecutor: TestExecutor {
    public let runners: [any LanguageRunner]
    /// Where the interpreter and the sandbox tools are looked up instead of `$PATH` (nil: `$PATH`).
    public let searchPath: String?

    public init(runners: [any LanguageRunner] = [PythonRunner(), JavaScriptRunner()], searchPath: String? = nil) {
        self.runners = runners
        self.searchPath = searchPath
    }

    /// The layers that work here for `language`, probed once and cached; `summary` is for `cascade doctor`.
    public static func probe(language: String = "python") async -> SandboxLayers {
        await SandboxExecutor().probe(language: language)
    }

    public func probe(language: String = "python") async -> SandboxLayers {
        guard let runner = runners.first(where: { $0.language == language }) else {
            return SandboxLayers(
                bubblewrap: LayerStatus(isAvailable: false, detail: "not probed"),
                resourceLimits: LayerStatus(isAvailable: false, detail: "not probed"),
                processCap: LayerStatus(isAvailable: false, detail: "not probed"),
                interpreter: nil, interpreterProblem: SandboxError.unsupportedLanguage(language).description, probeMs: 0)
        }
        return await SandboxProbe.probe(runner, searchPath: searchPath).layers
    }

    /// The layers a job with these limits would run under, or the error it would throw.
    public func activeLayers(language: String = "python", mode: SandboxMode) async throws -> ActiveLayers {
        try await prepare(language: language, mode: mode).layers
    }

    public func run(_ job: TestJob) async throws -> PassMatrix {
        let clock = ContinuousClock()
        let start = clock.now
        let plan = try await prepare(language: job.language, mode: job.limits.sandbox)
        if let note = plan.layers.note { Self.warnOnce(note) }

        let finished = try await concurrentMap(count: job.solutions.count, width: job.limits.parallelism) { index in
            try await runSolution(job.solutions[index], job: job, plan: plan)
        }
        return PassMatrix(
            outcomes: finished.map(\.outcomes), durationsMs: finished.map(\.durationsMs),
            loadErrors: finished.map(\.loadError),
            wallMs: (clock.now - start).milliseconds)
    }

    // MARK: - One solution

    struct Plan: Sendable {
        var runner: any LanguageRunner
        var interpreter: InterpreterInfo
        var layers: ActiveLayers
        var tools: SandboxCommand.Tools
        /// The runner's prepared arguments, when the probe made them.
        var preparedArguments: [String]?
    }

    struct SolutionRow: Sendable {
        var outcomes: [TestOutcome]
        var durationsMs: [Double]
        var loadError: String?
    }

    private func prepare(language: String, mode: SandboxMode) async throws -> Plan {
        guard let runner = runners.first(where: { $0.language == language }) else {
            throw SandboxError.unsupportedLanguage(language)
        }
        let probed = await SandboxProbe.probe(runner, searchPath: searchPath)
        guard let interpreter = probed.layers.interpreter else {
            throw probed.layers.interpreterProblem.map { SandboxError.interpreterBroken(path: runner.interpreterNames.first ?? language, detail: $0) }
                ?? SandboxError.interpreterNotFound(language: language, tried: runner.interpreterNames)
        }
        let layers = try probed.layers.layers(for: mode)
        return Plan(runner: runner, interpreter: interpreter, layers: layers, tools: probed.tools,
                    preparedArguments: probed.preparedArguments)
    }

    private func runSolution(_ solution: String, job: TestJob, plan: Plan) async throws -> SolutionRow {
        let directory = try RunDirectory.create()
        let marker = Self.randomToken()
        let cap = plan.layers.processCap ? ProcessCountCap.create(token: marker) : nil
        defer {
            cap?.destroy()
            if !plan.layers.bubblewrap { ProcessSweeper.killProcesses(carrying: marker) }
            directory.remove()
        }
        let nonce = Self.randomToken()
        let limits = job.limits
        let command = SandboxCommand(
            layers: plan.layers, tools: plan.tools, interpreter: plan.interpreter,
            interpreterArguments: plan.preparedArguments ?? plan.runner.runnerArguments(memoryMB: limits.memoryMB), runDirectory: directory.path,
            limits: ResourceLimits(limits, addressSpaceBytes: plan.runner.addressSpaceBytes(memoryMB: limits.memoryMB)),
            marker: marker, prefix: cap?.commandPrefix ?? [])
        let input = RunnerInput(solution: solution, tests: job.tests, testTimeout: limits.testTimeoutSeconds, nonce: nonce)
        // The whole run may take every test at its limit plus the load and start-up (20 s: the
        // interpreter, the isolation and the runner's judge took over 5 s on a 2-core machine
        // whose other core ran a model; each test's own limit is timed by the runner, so a slow
        // start costs no test its time); never more than runTimeout.
        let budget = min(limits.runTimeoutSeconds, 20 + limits.testTimeoutSeconds * Double(job.tests.count + 1))
        if ProcessInfo.processInfo.environment["CASCADE_SANDBOX_TRACE"] != nil {
            FileHandle.standardError.write(Data("cascade: sandbox: \(([command.executable] + command.arguments.map { $0.count > 200 ? "<runner>" : $0 }).joined(separator: " "))\n".utf8))
        }
        let result = try await ChildProcess.run(ProcessConfiguration(
            executable: .path(command.executable), arguments: command.arguments,
            environment: .custom(command.environment), workingDirectory: directory.path,
            input: .bytes(input.encoded),
            outputLimit: 64 << 10, errorLimit: 64 << 10, resultsLimit: 1 << 20,
            timeout: .milliseconds(Int64(budget * 1000)), terminationGrace: .milliseconds(100)))
        if ProcessInfo.processInfo.environment["CASCADE_SANDBOX_TRACE"] != nil {
            FileHandle.standardError.write(Data("cascade: sandbox: \(result.termination) timedOut=\(result.timedOut) wall=\(result.wallTime) results=\(result.results.count)B stderr=\(result.standardErrorText.suffix(300))\n".utf8))
        }
        let report = RunnerReport(parsing: result.results, nonce: nonce, testCount: job.tests.count)
        var observed = result
        // bubblewrap (and a shell between) report a child killed by signal n as exit status 128 + n.
        if plan.layers.bubblewrap || plan.layers.namespaces, case .exited(let status) = result.termination, status > 128 {
            observed.termination = .signaled(status - 128)
        }
        return Self.row(report: report, result: observed, testCount: job.tests.count)
    }

    /// Turns what the runner said (or failed to say) into one row of the matrix.
    static func row(report: RunnerReport, result: ProcessResult, testCount: Int) -> SolutionRow {
        var durations = [Double](repeating: 0, count: testCount)
        if let tampered = report.tampered ?? (result.resultsTruncated ? "results channel overflowed" : nil) {
            return SolutionRow(outcomes: Array(repeating: .error("Tampered"), count: testCount), durationsMs: durations,
                               loadError: "results not trusted: \(tampered)")
        }
        if let loadError = report.loadError {
            let type = loadError.split(separator: " ").first.map(String.init) ?? "Error"
            let outcome: TestOutcome = type == "timeout" ? .timeout : .error(type)
            return SolutionRow(outcomes: Array(repeating: outcome, count: testCount), durationsMs: durations, loadError: loadError)
        }
        var outcomes = report.results.map(\.outcome)
        for (index, entry) in report.results.enumerated() { durations[index] = entry.ms }
        var loadError: String?
        if outcomes.count < testCount {
            // No `done`: the first test without a result is blamed, the rest never ran.
            let blame: TestOutcome
            if result.timedOut || result.termination == .signaled(SIGXCPU) {
                blame = .timeout
            } else if case .signaled(let signal) = result.termination {
                blame = .error("Signal\(signal)")
            } else {
                blame = .error("ProcessExited")
            }
            if !report.loaded {
                loadError = blame == .timeout ? "timeout" : "the runner ended before the solution loaded (\(result.termination)): \(result.standardErrorText.suffix(200))"
            }
            outcomes.append(blame)
            outcomes += Array(repeating: .error("NotRun"), count: testCount - outcomes.count)
        }
        return SolutionRow(outcomes: outcomes, durationsMs: durations, loadError: loadError)
    }

    // MARK: - Helpers

    private static let warned = Mutex<Set<String>>([])

    private static func warnOnce(_ note: String) {
        let first = warned.withLock { $0.insert(note).inserted }
        if first { FileHandle.standardError.write(Data("cascade: sandbox: \(note)\n".utf8)) }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt32, radix: 16) }.joined()
    }
}
