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

struct ModelListResponse: Decodable {
    struct Entry: Decodable { var id: String }
    var data: [Entry]
}

struct ErrorEnvelope: Decodable {
    struct Detail: Decodable { var message: String? }
    var error: Detail?
    var detail: String?
}
