/// What the engine asks of a model; `ModelClients` implements it over HTTP.
public protocol CodeModel: Sendable {
    /// Asks for `request.samples` independent answers to one prompt.
    ///
    /// Throws `ModelError` (or any error whose description names the tier and the fix);
    /// honours task cancellation by aborting the in-flight HTTP request.
    func generate(_ request: GenerationRequest) async throws -> GenerationResult
}

/// An error after which a request's answer would mean nothing, so the engine ends the
/// request with it instead of recording it as the tier's failure and going on (a replayed
/// recording that lacks an answer, say).
public protocol RequestAbortingError: Error {}

/// Resolves a tier to the model that serves it (the engine never builds clients itself).
public protocol CodeModelProvider: Sendable {
    func model(for tier: TierConfig) async throws -> any CodeModel
}

public struct ChatMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// The same request in both shapes; the client sends the one its tier's `api` uses.
public struct Prompt: Sendable, Equatable {
    /// For `api: "chat"`.
    public var messages: [ChatMessage]
    /// For `api: "completions"`: a raw text prompt.
    public var text: String

    public init(messages: [ChatMessage], text: String) {
        self.messages = messages
        self.text = text
    }
}

public struct GenerationRequest: Sendable, Equatable {
    public var prompt: Prompt
    /// How many independent samples are wanted (k). 0 is treated as 1 greedy sample.
    public var samples: Int
    public var temperature: Double
    public var maxTokens: Int
    public var stop: [String]
    /// For one answer of a sequence asked one at a time at the same temperature (sequential
    /// sampling): its position, 0-based; nil for a batch. Clients send it as the seed so the
    /// answers differ, and a recording serves the answer it holds at that position.
    public var sampleIndex: Int?

    public init(prompt: Prompt, samples: Int, temperature: Double, maxTokens: Int, stop: [String] = [], sampleIndex: Int? = nil) {
        self.prompt = prompt
        self.samples = samples
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.stop = stop
        self.sampleIndex = sampleIndex
    }
}

public struct GenerationResult: Sendable, Equatable {
    /// One text per sample, in order.
    public var texts: [String]
    /// Input tokens summed over every HTTP call made for this request.
    public var promptTokens: Int
    /// Output tokens summed over every sample.
    public var completionTokens: Int
    /// True when the server gave no `usage` and tokens were estimated (see `TokenEstimate`).
    public var usageEstimated: Bool
    /// Wall time from first byte sent to last byte received, in milliseconds.
    public var latencyMs: Int

    public init(texts: [String], promptTokens: Int, completionTokens: Int, usageEstimated: Bool = false, latencyMs: Int) {
        self.texts = texts
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.usageEstimated = usageEstimated
        self.latencyMs = latencyMs
    }
}
