import Cascade
import Evaluation
import Foundation
import ModelClients
import Sandbox
import Synchronization

/// `cascade-bench latency [--problems N] [--config FILE]`: how long an editor user waits,
/// on the real local models, over a fixed slice of HumanEval (every 8th problem).
///
/// Per problem, one cascade (no cache) measures the time to the first text an editor can
/// show (the first candidate, announced before its tests run) and to the final answer;
/// then the bare greedy generation of the first tier, and of the accepting tier, for the
/// same prompt. Every measurement starts with the model's prompt cache cleared (a
/// one-token request on another prompt), so none profits from the prefix another just
/// evaluated. Machines differ several-fold in speed: the ratios are the result.
enum LatencyBenchmark {
    static let problemsPath = ReplayBenchmark.defaultRecording + "/problems.jsonl"
    static let stride = 8

    /// One problem's times, in milliseconds.
    struct Row {
        var taskID: String
        var firstTextMs: Double?
        var finalMs: Double
        var status: String
        var acceptingTier: String?
        var candidates: Int
        var firstTierGreedyMs: Double
        var acceptingGreedyMs: Double?

        var firstTextRatio: Double? { firstTextMs.map { $0 / firstTierGreedyMs } }
        var finalRatio: Double? { acceptingGreedyMs.map { finalMs / $0 } }
    }

    @Sendable
    static func run(_ arguments: [String]) async throws -> Int32 {
        var count = 20
        var configPath: String?
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch (argument, rest.popFirst()) {
            case ("--problems", let value?) where Int(value).map({ $0 > 0 }) == true: count = Int(value)!
            case ("--config", let value?): configPath = value
            default:
                FileHandle.standardError.write(Data("cascade-bench latency: bad argument '\(argument)'; usage: cascade-bench latency [--problems N (> 0)] [--config FILE]\n".utf8))
                return 2
            }
        }
        let config = try configPath.map { try ConfigLoader.load(path: $0) } ?? LocalModelDefaults.config
        let all = try ProblemSet.load(path: problemsPath).problems
        let problems = Swift.stride(from: 0, to: all.count, by: stride).prefix(count).map { all[$0] }
        // The local servers stop with this process (their supervisor sees its pipe close).
        let models = ModelProvider()
        let engine = CascadeEngine(config: config, models: models, executor: SandboxExecutor(), cache: nil)
        emit("cascade-bench latency: \(problems.count) HumanEval problems (every \(stride)th), tiers \(config.tiers.map { "\($0.name) (\($0.model))" }.joined(separator: " → ")), \(config.sampling.rawValue) sampling")
        emit("machine: \(Machine.description)")

        // Load every model before timing anything.
        for tier in config.tiers { try await clearPromptCache(of: tier, models: models) }
        var rows: [Row] = []
        emit("| problem | first text | final | status | accepted by | candidates | greedy, first tier | greedy, accepting tier | first text ÷ greedy first | final ÷ greedy accepting |")
        emit("| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for problem in problems {
            let row = try await measure(problem, config: config, engine: engine, models: models)
            rows.append(row)
            emit("| \(row.taskID) | \(seconds(row.firstTextMs)) | \(seconds(row.finalMs)) | \(row.status) | \(row.acceptingTier ?? "-") | \(row.candidates) | \(seconds(row.firstTierGreedyMs)) | \(seconds(row.acceptingGreedyMs)) | \(ratio(row.firstTextRatio)) | \(ratio(row.finalRatio)) |")
        }
        emit("")
        emit("| measure | p50 | p90 |")
        emit("| --- | ---: | ---: |")
        let lines: [(String, [Double], (Double?) -> String)] = [
            ("first text ÷ the first tier's bare greedy", rows.compactMap(\.firstTextRatio), ratio),
            ("final answer ÷ the accepting tier's bare greedy", rows.compactMap(\.finalRatio), ratio),
            ("first text", rows.compactMap(\.firstTextMs), seconds),
            ("final answer", rows.map(\.finalMs), seconds),
            ("bare greedy, first tier", rows.map(\.firstTierGreedyMs), seconds),
        ]
        for (name, values, format) in lines {
            emit("| \(name) | \(format(percentile(values, 0.5))) | \(format(percentile(values, 0.9))) |")
        }
        let passed = rows.filter { $0.status == "passed" }.count
        emit("\n\(passed) of \(rows.count) answers verified; \(rows.filter { $0.firstTextMs == nil }.count) without a first text before the answer")
        return 0
    }

    static func measure(_ problem: Problem, config: CascadeConfig, engine: CascadeEngine, models: ModelProvider) async throws -> Row {
        let request = EvaluationRunner.request(for: problem)
        for tier in config.tiers { try await clearPromptCache(of: tier, models: models) }
        let start = ContinuousClock.now
        let firstText = Mutex<Double?>(nil)
        let result = try await engine.complete(request) { step in
            guard case .candidate = step else { return }
            let elapsed = (ContinuousClock.now - start).milliseconds
            firstText.withLock { if $0 == nil { $0 = elapsed } }
        }
        let finalMs = (ContinuousClock.now - start).milliseconds
        let report = result.report
        let accepting = report.acceptedTier.flatMap { name in config.tiers.first { $0.name == name } }
        let firstTierGreedy = try await greedyMs(config.tiers[0], request: request, models: models)
        let acceptingGreedy: Double? = if let accepting {
            accepting.name == config.tiers[0].name ? firstTierGreedy : try await greedyMs(accepting, request: request, models: models)
        } else {
            nil
        }
        return Row(
            taskID: problem.taskID, firstTextMs: firstText.withLock { $0 }, finalMs: finalMs, status: report.status.rawValue,
            acceptingTier: report.acceptedTier, candidates: report.tiers.reduce(0) { $0 + ($1.candidates ?? $1.samples) },
            firstTierGreedyMs: firstTierGreedy, acceptingGreedyMs: acceptingGreedy)
    }

    /// One greedy answer to the tier's solution prompt, as the cascade's first candidate asks it.
    static func greedyMs(_ tier: TierConfig, request: CompletionRequest, models: ModelProvider) async throws -> Double {
        guard let language = LanguageRegistry.standard.language(languageId: request.languageId, uri: nil) else { return .nan }
        let context = language.context(in: request.text, line: request.line, utf16Column: request.utf16Column)
        let prompt = PromptLibrary.solution(for: context, language.vocabulary)
        try await clearPromptCache(of: tier, models: models)
        let model = try await models.model(for: tier)
        let start = ContinuousClock.now
        _ = try await model.generate(GenerationRequest(
            prompt: prompt.prompt, samples: 1, temperature: 0, maxTokens: tier.maxTokens, stop: prompt.stop(for: tier.api)))
        return (ContinuousClock.now - start).milliseconds
    }

    /// A one-token answer to an unrelated prompt, so the next request evaluates its prompt afresh.
    static func clearPromptCache(of tier: TierConfig, models: ModelProvider) async throws {
        let model = try await models.model(for: tier)
        _ = try await model.generate(GenerationRequest(
            prompt: Prompt(messages: [ChatMessage(role: .user, content: "Reply OK.")], text: "OK"),
            samples: 1, temperature: 0, maxTokens: 1))
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = fraction * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }

    /// A line out at once (`print` into a file waits for its buffer): a row as soon as it is measured.
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func seconds(_ ms: Double?) -> String { ms.map { String(format: "%.1f s", $0 / 1000) } ?? "-" }
    static func ratio(_ value: Double?) -> String { value.map { String(format: "%.2f×", $0) } ?? "-" }
}

/// The CPU the figures were measured on.
enum Machine {
    static var description: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?" } ?? "unknown CPU"
        return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, llama.cpp threads per model: \(LocalServerManager.Settings.defaultThreads)"
    }
}
