import Cascade
import Foundation

/// Assembles a streamed OpenAI-compatible completion from its server-sent events: the text
/// of each choice, how many chunks carried text for it, and `usage` if a chunk brought one.
///
/// Stop sequences are also applied here: once a choice's text contains one of `stops`, the
/// text is cut before it and later chunks of that choice are ignored (not counted). With one
/// choice asked for, that ends the stream (`take` returns false) so the connection can be
/// closed without waiting for the server's own stop.
struct CompletionStream {
    enum Problem: Error {
        /// A `data:` event that is not a completion chunk (the excerpt says what it was).
        case notAChunk(excerpt: String)
        /// The server reported an error inside the stream.
        case serverError(message: String)
        /// The body grew past the client's limit.
        case tooLarge(limit: Int)
    }

    private struct Choice {
        var text: [UInt8] = []
        var chunksWithText = 0
        var stopped = false
    }

    let api: ModelAPI
    /// Non-empty stop sequences as UTF-8: matched bytewise, which on valid UTF-8 only ever
    /// matches at character boundaries.
    private let stops: [[UInt8]]
    private let endsAtFirstStop: Bool
    private var choices: [Int: Choice] = [:]
    /// The last `usage` a chunk carried (vLLM can send one in every chunk).
    private(set) var usage: (promptTokens: Int, completionTokens: Int)?
    /// The server sent `data: [DONE]`.
    private(set) var sawDone = false

    /// - Parameter singleChoice: one choice was asked for, so its stop sequence ends the stream.
    init(api: ModelAPI, stops: [String], singleChoice: Bool) {
        self.api = api
        self.stops = stops.filter { !$0.isEmpty }.map { Array($0.utf8) }
        self.endsAtFirstStop = singleChoice
    }

    /// The texts so far, ordered by choice index.
    var texts: [String] {
        choices.sorted { $0.key < $1.key }.map { String(decoding: $0.value.text, as: UTF8.self) }
    }

    /// How many chunks carried text, over all choices (llama.cpp sends one token per chunk).
    var chunksWithText: Int { choices.values.reduce(0) { $0 + $1.chunksWithText } }

    /// Takes one event; false once nothing more is needed (`[DONE]`, or the only choice
    /// reached a stop sequence).
    mutating func take(_ event: ServerSentEvent) throws(Problem) -> Bool {
        if event.isDoneMarker { sawDone = true; return false }
        guard let chunk = try? JSONDecoder().decode(CompletionChunk.self, from: Data(event.data.utf8)) else {
            throw .notAChunk(excerpt: "a stream event starts \"\(event.data.prefix(120))\"")
        }
        if let error = chunk.error, chunk.choices == nil {
            throw .serverError(message: String((error.message ?? event.data).prefix(200)))
        }
        if let usage = chunk.usage, let prompt = usage.prompt_tokens, let completion = usage.completion_tokens {
            self.usage = (prompt, completion)
        }
        for (position, received) in (chunk.choices ?? []).enumerated() {
            let index = received.index ?? position
            var choice = choices[index] ?? Choice()
            let piece = api == .chat ? (received.delta?.content ?? received.text) : (received.text ?? received.delta?.content)
            if let piece, !piece.isEmpty, !choice.stopped {
                choice.chunksWithText += 1
                append(Array(piece.utf8), to: &choice)
            }
            choices[index] = choice
            if choice.stopped && endsAtFirstStop { return false }
        }
        return true
    }

    /// Appends `bytes` and cuts the text before the earliest stop sequence now in it; only the
    /// tail that could hold a new match is searched.
    private func append(_ bytes: [UInt8], to choice: inout Choice) {
        let searchFrom = max(0, choice.text.count - (stops.map(\.count).max() ?? 1) + 1)
        choice.text += bytes
        var cut: Int?
        for stop in stops {
            if let match = choice.text[searchFrom...].firstRange(of: stop), match.lowerBound < (cut ?? .max) {
                cut = match.lowerBound
            }
        }
        if let cut {
            choice.text.removeSubrange(cut...)
            choice.stopped = true
        }
    }
}
