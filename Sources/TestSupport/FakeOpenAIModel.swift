import Cascade
import Foundation

/// One model call the fake OpenAI-compatible server received, as the reply closure sees it.
public struct FakeModelCall: Sendable, Equatable {
    public var api: ModelAPI
    public var model: String
    /// `/v1/completions`: the `prompt`; `/v1/chat/completions`: every message's content
    /// joined by newlines (so `call.prompt.contains("def add")` works for both).
    public var prompt: String
    /// Empty for `/v1/completions`.
    public var messages: [ChatMessage]
    /// The `n` asked for (1 when absent).
    public var n: Int
    public var temperature: Double?
    public var maxTokens: Int?
    public var stop: [String]
    /// Which choice is being written: 0..<n when the server honours `n`, else 0.
    public var choiceIndex: Int
}

/// How the fake OpenAI-compatible server behaves.
public struct FakeOpenAIBehaviour: Sendable {
    /// Served by `/v1/models`; a request naming another model gets 404 `model_not_found`.
    public var models: [String]
    /// False plays llama.cpp's server: one choice whatever `n` says.
    public var honoursN: Bool
    /// False omits `usage` from every answer.
    public var includesUsage: Bool
    /// Seconds before each model answer.
    public var delaySeconds: Double

    public init(models: [String] = ["fake-model"], honoursN: Bool = true, includesUsage: Bool = true, delaySeconds: Double = 0) {
        self.models = models
        self.honoursN = honoursN
        self.includesUsage = includesUsage
        self.delaySeconds = delaySeconds
    }
}

extension FakeModelServer {
    /// Starts a fake OpenAI-compatible model: `/v1/chat/completions`, `/v1/completions`
    /// and `/v1/models`, every text chosen by `reply`.
    ///
    /// ```swift
    /// let server = try FakeModelServer.openAI { call in
    ///     call.prompt.contains("def add") ? "```python\ndef add(a, b):\n    return a + b\n```" : "pass"
    /// }
    /// let tier = TierConfig(name: "small", endpoint: server.endpoint, model: "fake-model")
    /// ```
    /// Usage counts whitespace-separated words of the prompt and of each text.
    public static func openAI(
        _ behaviour: FakeOpenAIBehaviour = FakeOpenAIBehaviour(),
        reply: @escaping @Sendable (FakeModelCall) -> String
    ) throws -> FakeModelServer {
        try FakeModelServer(handler: openAIHandler(behaviour, reply: reply))
    }

    /// The handler behind `openAI(_:reply:)`, to combine with a queue or other routes.
    public static func openAIHandler(
        _ behaviour: FakeOpenAIBehaviour = FakeOpenAIBehaviour(),
        reply: @escaping @Sendable (FakeModelCall) -> String
    ) -> Handler {
        { request in
            let path = request.path.split(separator: "?").first.map(String.init) ?? request.path
            if request.method == "GET" && path.hasSuffix("/models") {
                return .json(encoding: ModelList(data: behaviour.models.map { ModelList.Entry(id: $0) }))
            }
            let api: ModelAPI
            if path.hasSuffix("/chat/completions") { api = .chat }
            else if path.hasSuffix("/completions") { api = .completions }
            else { return .status(404, message: "no route \(request.method) \(path)") }
            guard request.method == "POST", let calls = modelCalls(from: request, api: api) else {
                return .status(400, message: "body is not an OpenAI request")
            }
            guard behaviour.models.contains(calls[0].model) else {
                return .json(#"{"error": {"message": "The model `\#(calls[0].model)` does not exist", "type": "invalid_request_error", "code": "model_not_found"}}"#, status: 404)
            }
            let choiceCount = behaviour.honoursN ? max(1, calls[0].n) : 1
            var choices: [Choice] = []
            var completionTokens = 0
            for index in 0..<choiceCount {
                var call = calls[0]
                call.choiceIndex = index
                let text = reply(call)
                completionTokens += wordCount(text)
                choices.append(api == .chat
                    ? Choice(index: index, text: nil, message: ChatMessage(role: .assistant, content: text), finish_reason: "stop")
                    : Choice(index: index, text: text, message: nil, finish_reason: "stop"))
            }
            let usage = behaviour.includesUsage
                ? Usage(prompt_tokens: wordCount(calls[0].prompt), completion_tokens: completionTokens,
                        total_tokens: wordCount(calls[0].prompt) + completionTokens)
                : nil
            let body = Completion(
                id: "fake-\(UUID().uuidString.prefix(8))",
                object: api == .chat ? "chat.completion" : "text_completion",
                model: calls[0].model, choices: choices, usage: usage)
            return .json(encoding: body, delaySeconds: behaviour.delaySeconds)
        }
    }

    /// The model calls among the recorded requests, in order.
    public var modelCalls: [FakeModelCall] {
        requests.compactMap { request in
            if request.path.hasSuffix("/chat/completions") { return Self.modelCalls(from: request, api: .chat)?.first }
            if request.path.hasSuffix("/completions") { return Self.modelCalls(from: request, api: .completions)?.first }
            return nil
        }
    }

    private static func modelCalls(from request: RecordedRequest, api: ModelAPI) -> [FakeModelCall]? {
        guard let body = request.decodeBody(IncomingRequest.self) else { return nil }
        let messages = body.messages ?? []
        let prompt = api == .chat ? messages.map(\.content).joined(separator: "\n") : (body.prompt ?? "")
        var stop: [String] = []
        if let single = body.stop?.single { stop = [single] } else if let many = body.stop?.many { stop = many }
        return [FakeModelCall(
            api: api, model: body.model ?? "", prompt: prompt, messages: messages, n: body.n ?? 1,
            temperature: body.temperature, maxTokens: body.max_tokens, stop: stop, choiceIndex: 0)]
    }

    private static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).count
    }
}

// Wire shapes of the fake (snake_case as OpenAI sends it).
private struct IncomingRequest: Decodable {
    var model: String?
    var messages: [ChatMessage]?
    var prompt: String?
    var n: Int?
    var temperature: Double?
    var max_tokens: Int?
    var stop: StopField?
}

private struct StopField: Decodable {
    var single: String?
    var many: [String]?
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { single = text } else { many = try? container.decode([String].self) }
    }
}

private struct ModelList: Encodable {
    struct Entry: Encodable {
        var id: String
        var object = "model"
        var owned_by = "fake"
    }
    var object = "list"
    var data: [Entry]
}

private struct Choice: Encodable {
    var index: Int
    var text: String?
    var message: ChatMessage?
    var finish_reason: String
}

private struct Usage: Encodable {
    var prompt_tokens: Int
    var completion_tokens: Int
    var total_tokens: Int
}

private struct Completion: Encodable {
    var id: String
    var object: String
    var model: String
    var choices: [Choice]
    var usage: Usage?
}
