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
    /// The request asked for a streamed answer (`"stream": true`).
    public var stream: Bool
}

/// How the fake OpenAI-compatible server behaves.
public struct FakeOpenAIBehaviour: Sendable {
    /// Served by `/v1/models`; a request naming another model gets 404 `model_not_found`.
    public var models: [String]
    /// False plays llama.cpp's server: one choice whatever `n` says.
    public var honoursN: Bool
    /// False omits `usage` from every answer. True puts it in whole answers, and in a
    /// stream's last chunk when the request asks with `stream_options.include_usage` (as
    /// OpenAI does); false in a stream plays llama-cpp-python, which never sends it there.
    public var includesUsage: Bool
    /// Seconds before each model answer (the server notices a client that leaves meanwhile).
    public var delaySeconds: Double
    /// True answers `"stream": true` with server-sent events, one token per chunk; false
    /// plays a server that ignores `stream` and sends one JSON body.
    public var streamsWhenAsked: Bool
    /// Seconds to generate each token (0: at once). A stream sends one token per interval and
    /// stops when its client leaves; a whole answer takes as long as its longest stream would
    /// and, like llama-cpp-python's, runs to its end even when the client has gone.
    public var secondsPerToken: Double
    /// Answer one request at a time, the next one waiting until the answer before it has
    /// ended, as llama-cpp-python's server does (takes effect through `openAI(_:reply:)`).
    public var servesOneAtATime: Bool

    public init(
        models: [String] = ["fake-model"], honoursN: Bool = true, includesUsage: Bool = true, delaySeconds: Double = 0,
        streamsWhenAsked: Bool = true, secondsPerToken: Double = 0, servesOneAtATime: Bool = false
    ) {
        self.models = models
        self.honoursN = honoursN
        self.includesUsage = includesUsage
        self.delaySeconds = delaySeconds
        self.streamsWhenAsked = streamsWhenAsked
        self.secondsPerToken = secondsPerToken
        self.servesOneAtATime = servesOneAtATime
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
    /// Usage counts whitespace-separated words of the prompt and of each text. The fake never
    /// applies `stop` itself. Streamed answers send each text as `streamedTokens(of:)`.
    public static func openAI(
        _ behaviour: FakeOpenAIBehaviour = FakeOpenAIBehaviour(),
        reply: @escaping @Sendable (FakeModelCall) -> String
    ) throws -> FakeModelServer {
        try FakeModelServer(servesOneAtATime: behaviour.servesOneAtATime, handler: openAIHandler(behaviour, reply: reply))
    }

    /// How the fake splits a text into streamed tokens: each is a run of whitespace and the
    /// word after it; trailing whitespace joins the last one. `"a b\n"` → `["a", " b\n"]`,
    /// so a text with words has as many tokens as `usage` counts words.
    public static func streamedTokens(of text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inWord = false
        for character in text {
            if character.isWhitespace {
                if inWord { tokens.append(current); current = ""; inWord = false }
            } else {
                inWord = true
            }
            current.append(character)
        }
        if !current.isEmpty {
            if !inWord && !tokens.isEmpty { tokens[tokens.count - 1] += current } else { tokens.append(current) }
        }
        return tokens
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
            let texts = (0..<choiceCount).map { index in
                var call = calls[0]
                call.choiceIndex = index
                return reply(call)
            }
            let completionTokens = texts.reduce(0) { $0 + wordCount($1) }
            let usage = Usage(prompt_tokens: wordCount(calls[0].prompt), completion_tokens: completionTokens,
                              total_tokens: wordCount(calls[0].prompt) + completionTokens)
            if calls[0].stream && behaviour.streamsWhenAsked {
                let sendsUsage = behaviour.includesUsage && request.decodeBody(IncomingRequest.self)?.stream_options?.include_usage == true
                return .eventStream(
                    streamEvents(api: api, model: calls[0].model, texts: texts, usage: sendsUsage ? usage : nil, secondsPerToken: behaviour.secondsPerToken),
                    delaySeconds: behaviour.delaySeconds)
            }
            let choices = texts.enumerated().map { index, text in
                api == .chat
                    ? Choice(index: index, text: nil, message: ChatMessage(role: .assistant, content: text), finish_reason: "stop")
                    : Choice(index: index, text: text, message: nil, finish_reason: "stop")
            }
            let body = Completion(
                id: "fake-\(UUID().uuidString.prefix(8))",
                object: api == .chat ? "chat.completion" : "text_completion",
                model: calls[0].model, choices: choices, usage: behaviour.includesUsage ? usage : nil)
            var answer = CannedResponse.json(encoding: body, delaySeconds: behaviour.delaySeconds)
            answer.busySeconds = Double(texts.map { streamedTokens(of: $0).count }.max() ?? 0) * behaviour.secondsPerToken
            return answer
        }
    }

    /// The events of a streamed answer, shaped as llama-cpp-python sends them: for chat a
    /// first chunk with the role, then one chunk per token (choices interleaved, one interval
    /// per step), a last chunk per choice with `finish_reason`, the usage chunk (OpenAI's
    /// shape, empty `choices`) if any, and `[DONE]`.
    private static func streamEvents(api: ModelAPI, model: String, texts: [String], usage: Usage?, secondsPerToken: Double) -> [StreamedEvent] {
        let id = "fake-\(UUID().uuidString.prefix(8))"
        let object = api == .chat ? "chat.completion.chunk" : "text_completion"
        func event(_ choices: [ChunkChoice], usage: Usage? = nil, secondsBefore: Double = 0, isToken: Bool = false) -> StreamedEvent {
            let chunk = Chunk(id: id, object: object, model: model, choices: choices, usage: usage)
            let data = (try? JSONEncoder().encode(chunk)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return StreamedEvent(data: data, secondsBefore: secondsBefore, isToken: isToken)
        }
        func piece(_ index: Int, _ text: String?, role: String? = nil, finished: Bool = false) -> ChunkChoice {
            api == .chat
                ? ChunkChoice(index: index, text: nil, delta: ChunkDelta(role: role, content: text), finish_reason: finished ? "stop" : nil)
                : ChunkChoice(index: index, text: text ?? "", delta: nil, finish_reason: finished ? "stop" : nil)
        }
        var events: [StreamedEvent] = []
        if api == .chat {
            events += texts.indices.map { event([piece($0, nil, role: "assistant")]) }
        }
        let tokens = texts.map(streamedTokens(of:))
        for step in 0..<(tokens.map(\.count).max() ?? 0) {
            var firstOfStep = true
            for (index, choiceTokens) in tokens.enumerated() where step < choiceTokens.count {
                events.append(event([piece(index, choiceTokens[step])], secondsBefore: firstOfStep ? secondsPerToken : 0, isToken: true))
                firstOfStep = false
            }
        }
        events += texts.indices.map { event([piece($0, nil, finished: true)]) }
        if let usage { events.append(event([], usage: usage)) }
        events.append(StreamedEvent(data: "[DONE]"))
        return events
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
            temperature: body.temperature, maxTokens: body.max_tokens, stop: stop, choiceIndex: 0,
            stream: body.stream ?? false)]
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
    var stream: Bool?
    var stream_options: StreamOptions?

    struct StreamOptions: Decodable { var include_usage: Bool? }
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

private struct ChunkDelta: Encodable {
    var role: String?
    var content: String?
}

private struct ChunkChoice: Encodable {
    var index: Int
    var text: String?
    var delta: ChunkDelta?
    var finish_reason: String?
}

private struct Chunk: Encodable {
    var id: String
    var object: String
    var created = 0
    var model: String
    var choices: [ChunkChoice]
    var usage: Usage?
}
