import Cascade

/// Whether a recording is being made or only read.
public enum RecordingMode: Sendable {
    /// Answer from the recording when it has the request, else ask the real model and record.
    case record
    /// Answer only from the recording; a request it lacks is an error that names it.
    case replay
}

/// Wraps a model provider so that every answer is recorded, or served from a recording.
///
/// A request is keyed by the tier's model, the prompt and the sampling settings, but not
/// by k: a recording made with k samples answers any request for k' ≤ k with its first
/// k' texts and tokens scaled by k'/k, and a request for the i-th answer of a sequence
/// (sequential sampling) with its i-th text. That is what lets `cascade tune` replay
/// smaller settings, and either sampling mode, from one large recording.
public struct RecordingModelProvider: CodeModelProvider {
    let base: (any CodeModelProvider)?
    let store: RecordStore
    let mode: RecordingMode

    public init(base: (any CodeModelProvider)?, store: RecordStore, mode: RecordingMode) {
        self.base = base
        self.store = store
        self.mode = mode
    }

    public func model(for tier: TierConfig) async throws -> any CodeModel {
        switch mode {
        case .record:
            guard let base else { throw EvaluationError.replayMissing(what: "model for tier \(tier.name)", directory: store.directory) }
            return RecordingModel(tier: tier, base: try await base.model(for: tier), store: store)
        case .replay:
            return RecordingModel(tier: tier, base: nil, store: store)
        }
    }
}

struct RecordingModel: CodeModel {
    let tier: TierConfig
    let base: (any CodeModel)?
    let store: RecordStore

    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let key = Self.key(tier: tier, request: request)
        if let index = request.sampleIndex { return try await answer(at: index, key: key, request) }
        let wanted = max(1, request.samples)
        if let recorded = await store.generation(key), recorded.texts.count >= wanted {
            return Self.prefix(recorded, count: wanted)
        }
        guard let base else {
            throw EvaluationError.replayMissing(
                what: "answer of tier \(tier.name) (\(tier.model)) for request \(key.prefix(12)) with \(wanted) samples",
                directory: store.directory)
        }
        let result = try await base.generate(request)
        try await store.record(RecordedGeneration(
            key: key, tier: tier.name, texts: result.texts, promptTokens: result.promptTokens,
            completionTokens: result.completionTokens, usageEstimated: result.usageEstimated,
            latencyMs: result.latencyMs))
        return result
    }

    /// One answer of a sequence asked for one at a time: the recording's answer at `index`
    /// (a batch recording's answers serve as the sequence, in the order they came).
    private func answer(at index: Int, key: String, _ request: GenerationRequest) async throws -> GenerationResult {
        if let recorded = await store.generation(key), recorded.texts.count > index {
            return recorded.answer(at: index)
        }
        guard let base else {
            throw EvaluationError.replayMissing(
                what: "answer \(index + 1) of tier \(tier.name) (\(tier.model)) for request \(key.prefix(12))",
                directory: store.directory)
        }
        let result = try await base.generate(request)
        let standing = try await store.recordAnswer(result, index: index, key: key, tier: tier.name)
        return standing.texts.count > index ? standing.answer(at: index) : result
    }

    static func key(tier: TierConfig, request: GenerationRequest) -> String {
        let messages = request.prompt.messages.map { "\($0.role.rawValue):\($0.content)" }
        return StableHash.hex(
            [tier.model, tier.api.rawValue, request.prompt.text, "\(request.temperature)", "\(request.maxTokens)"]
                + request.stop + messages)
    }

    /// The first `count` samples of a recording, with tokens and latency scaled to match.
    static func prefix(_ recorded: RecordedGeneration, count: Int) -> GenerationResult {
        let total = recorded.texts.count
        guard count < total else {
            return GenerationResult(
                texts: recorded.texts, promptTokens: recorded.promptTokens,
                completionTokens: recorded.completionTokens, usageEstimated: recorded.usageEstimated,
                latencyMs: recorded.latencyMs)
        }
        func scaled(_ value: Int) -> Int { Int((Double(value) * Double(count) / Double(total)).rounded()) }
        return GenerationResult(
            texts: Array(recorded.texts.prefix(count)), promptTokens: scaled(recorded.promptTokens),
            completionTokens: scaled(recorded.completionTokens), usageEstimated: recorded.usageEstimated,
            latencyMs: scaled(recorded.latencyMs))
    }
}
