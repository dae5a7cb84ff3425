import Cascade
import Foundation

// The JSON OpenAI-compatible servers speak (snake_case keys as on the wire).

struct ChatCompletionBody: Encodable {
    var model: String
    var messages: [ChatMessage]
    var n: Int?
    var temperature: Double
    var max_tokens: Int
    var stop: [String]?
    /// The sample's position in a sequence of single answers, so each one differs.
    var seed: Int?
    var stream: Bool?
    var stream_options: StreamOptions?
}

struct TextCompletionBody: Encodable {
    var model: String
    var prompt: String
    var n: Int?
    var temperature: Double
    var max_tokens: Int
    var stop: [String]?
    /// The sample's position in a sequence of single answers, so each one differs.
    var seed: Int?
    var stream: Bool?
    var stream_options: StreamOptions?
}

/// Asks a streaming server to send `usage` in a last chunk (OpenAI, vLLM, llama.cpp's server).
struct StreamOptions: Encodable {
    var include_usage: Bool
}

struct CompletionResponse: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable { var content: String? }
        var index: Int?
        var text: String?
        var message: Message?
    }
    struct Usage: Decodable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
    }
    var choices: [Choice]
    var usage: Usage?
}

/// One `data:` event of a streamed completion: text arrives as `choices[i].delta.content`
/// (chat) or `choices[i].text` (completions); `usage`, when sent, comes in a last chunk
/// (OpenAI sends it with empty `choices`).
struct CompletionChunk: Decodable {
    struct Choice: Decodable {
        struct Delta: Decodable { var content: String? }
        var index: Int?
        var text: String?
        var delta: Delta?
    }
    var choices: [Choice]?
    var usage: CompletionResponse.Usage?
    /// llama.cpp's server reports a failure mid-stream as a chunk holding only this.
    var error: ErrorEnvelope.Detail?
}

struct ModelListResponse: Decodable {
    struct Entry: Decodable { var id: String }
    var data: [Entry]
}

struct ErrorEnvelope: Decodable {
    struct Detail: Decodable { var message: String? }
    var error: Detail?
    var detail: String?
}
