import Cascade
import Foundation
import Synchronization

/// A `CompletionEngine` that answers from a script, records what it was asked, and can
/// hang until cancelled (to test supersede and `$/cancelRequest`).
final class FakeEngine: CompletionEngine {
    struct Script: Sendable {
        var completion = "    return a + b\n"
        /// Replaced lines as an offset from the request's line: `line+start ..< line+end`.
        var startOffset = 0
        var endOffset = 1
        var costUSD = 0.00003
        var baselineUSD = 0.0002
        var tier = "small"
        var passed = 12
        var tests = 12
        var status: CascadeReport.Status = .passed
        /// The report's module-level imports.
        var imports: [String]? = nil
        /// Candidates announced (as being tested) before the answer, in order.
        var candidates: [String] = []
        /// Hang (until cancelled) instead of answering.
        var hang = false
        /// When cancelled, say `costUSD` was spent (as the real engine does), instead of nothing.
        var spendsBeforeCancel = false
        /// First-tier mode ends unverified with larger tiers left; the full cascade passes.
        var firstTierFails = false
        /// Only full cascades hang (until cancelled).
        var fullHangs = false
    }

    private struct State {
        var script = Script()
        var requests: [CompletionRequest] = []
        var cancellations = 0
        var counter = 0
    }

    private let state = Mutex(State())
    /// One element each time `complete` starts, so tests can wait for the engine to be busy.
    let started: AsyncStream<CompletionRequest>
    private let startedContinuation: AsyncStream<CompletionRequest>.Continuation
    /// One element each time a running `complete` sees its cancellation.
    let cancelled: AsyncStream<Void>
    private let cancelledContinuation: AsyncStream<Void>.Continuation

    init(_ script: Script = Script()) {
        (started, startedContinuation) = AsyncStream.makeStream()
        (cancelled, cancelledContinuation) = AsyncStream.makeStream()
        state.withLock { $0.script = script }
    }

    var script: Script {
        get { state.withLock { $0.script } }
        set { state.withLock { $0.script = newValue } }
    }

    var requests: [CompletionRequest] { state.withLock { $0.requests } }
    var cancellations: Int { state.withLock { $0.cancellations } }

    func complete(_ request: CompletionRequest, progress: @escaping @Sendable (CascadeProgress) -> Void) async throws -> CompletionResult {
        var (script, number) = state.withLock { state in
            state.requests.append(request)
            state.counter += 1
            return (state.script, state.counter)
        }
        startedContinuation.yield(request)
        progress(.generating(tier: script.tier))
        for (index, candidate) in script.candidates.enumerated() {
            progress(.candidate(CandidatePreview(
                tier: script.tier, index: index, completion: candidate,
                startLine: request.line + script.startOffset, endLine: request.line + script.endOffset)))
        }
        if script.hang || (script.fullHangs && request.mode == .full) {
            do {
                // Stands in for a long cascade: ends only by cancellation.
                try await Task.sleep(for: .seconds(3600))
            } catch {
                state.withLock { $0.cancellations += 1 }
                cancelledContinuation.yield()
                guard script.spendsBeforeCancel else { throw CancellationError() }
                var spent = script
                spent.status = .cancelled
                throw CancelledCascade(report: Self.report(id: "c-\(number)", script: spent))
            }
        }
        let stoppedEarly = script.firstTierFails && request.mode == .firstTier
        if stoppedEarly { script.status = .unverified }
        progress(.testing(tier: script.tier, passed: script.passed, total: script.tests))
        progress(.finished(script.status))
        let report = Self.report(id: "c-\(number)", script: script)
        // The function as the real engine names it, which only the server's background
        // escalation reads: looked for only then (some tests complete in 10 MB documents).
        let function = !stoppedEarly ? nil : LanguageRegistry.standard.language(languageId: request.languageId, uri: request.uri)
            .map { $0.context(in: request.text, line: request.line, utf16Column: request.utf16Column) }
            .flatMap { $0.isTestable ? CompletionCacheKey(context: $0, configFingerprint: "") : nil }
        return CompletionResult(report: report, startLine: request.line + script.startOffset, endLine: request.line + script.endOffset,
                                largerTiersRemain: stoppedEarly, function: function)
    }

    static func report(id: String, script: Script) -> CascadeReport {
        CascadeReport(
            id: id, status: script.status, language: "python", entryPoint: "add", completion: script.completion,
            acceptedTier: script.status == .passed ? script.tier : nil,
            tiers: [TierReport(
                name: script.tier, model: "fake-\(script.tier)", samples: 3, tests: script.tests, bestPassed: script.passed,
                score: 1, threshold: 1, accepted: script.status == .passed, promptTokens: 100, completionTokens: 200,
                costUSD: script.costUSD, generationMs: 1, testMs: 1)],
            tests: ["assert add(1, 2) == 3", "assert add(0, 0) == 0"], totalCostUSD: script.costUSD,
            baselineCostUSD: script.baselineUSD, baselineIsEstimate: true, latencyMs: 2, imports: script.imports)
    }
}

/// An engine factory that fails for `{"broken": true}` the way a bad config would.
struct ConfigurationProblem: Error, CustomStringConvertible {
    var description: String { "unknown key 'broken' in the config; remove it" }
}
