import Synchronization

/// What one request's model calls have used so far, so that a cascade cancelled halfway
/// (superseded while the user types) still says what it spent: the money is gone either way.
///
/// Every model call of the request goes through `MeteredModelProvider`. A call that
/// returned counts its reported tokens; a call cut off by the cancellation counts its
/// prompt at about 4 characters a token and no output, marked as an estimate.
final class SpendMeter: Sendable {
    private struct TierSpend {
        var tier: TierConfig
        var promptTokens = 0
        var completionTokens = 0
        var estimated = false
    }

    /// In the order the tiers were first called.
    private let spends = Mutex<[TierSpend]>([])

    func record(_ tier: TierConfig, promptTokens: Int, completionTokens: Int, estimated: Bool) {
        spends.withLock { spends in
            let index = spends.firstIndex { $0.tier.name == tier.name } ?? {
                spends.append(TierSpend(tier: tier))
                return spends.count - 1
            }()
            spends[index].promptTokens += promptTokens
            spends[index].completionTokens += completionTokens
            spends[index].estimated = spends[index].estimated || estimated
        }
    }

    /// One row per tier called, for the report of a cancelled cascade.
    var tierReports: [TierReport] {
        spends.withLock { spends in
            spends.map { spend in
                TierReport(
                    name: spend.tier.name, model: spend.tier.model, samples: spend.tier.samples, tests: 0, bestPassed: 0,
                    score: 0, threshold: spend.tier.threshold, accepted: false, promptTokens: spend.promptTokens,
                    completionTokens: spend.completionTokens, usageEstimated: spend.estimated,
                    costUSD: CostModel.cost(promptTokens: spend.promptTokens, completionTokens: spend.completionTokens, price: spend.tier.price),
                    generationMs: 0, testMs: 0, error: "cancelled")
            }
        }
    }
}

/// Hands out models whose calls `meter` counts.
struct MeteredModelProvider: CodeModelProvider {
    let base: any CodeModelProvider
    let meter: SpendMeter

    func model(for tier: TierConfig) async throws -> any CodeModel {
        MeteredModel(base: try await base.model(for: tier), tier: tier, meter: meter)
    }
}

private struct MeteredModel: CodeModel {
    let base: any CodeModel
    let tier: TierConfig
    let meter: SpendMeter

    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        do {
            let result = try await base.generate(request)
            meter.record(tier, promptTokens: result.promptTokens, completionTokens: result.completionTokens,
                         estimated: result.usageEstimated)
            return result
        } catch {
            if error is CancellationError || Task.isCancelled {
                let characters = tier.api == .chat ? request.prompt.messages.reduce(0) { $0 + $1.content.count } : request.prompt.text.count
                meter.record(tier, promptTokens: characters / 4 * max(1, request.samples), completionTokens: 0, estimated: true)
            }
            throw error
        }
    }
}

/// Thrown by `CascadeEngine.complete` when its task is cancelled, once every model call
/// and test process of the request has stopped: the report (status `cancelled`) carries
/// what was spent up to then.
public struct CancelledCascade: Error, CustomStringConvertible {
    public var report: CascadeReport

    public init(report: CascadeReport) {
        self.report = report
    }

    public var description: String { "the cascade was cancelled (spent $\(report.totalCostUSD))" }
}
