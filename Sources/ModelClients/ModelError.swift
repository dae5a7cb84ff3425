import Foundation

/// Why a tier's model call failed; the description names the tier and the fix.
///
/// None of these crash the process: the engine logs them and escalates past the tier.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Nothing listens at the endpoint (ECONNREFUSED, unknown host).
        case connectionRefused
        /// `apiKeyEnv` names a variable that is unset or empty.
        case missingAPIKey(variable: String)
        /// 401/403: the key is missing or wrong.
        case unauthorized(status: Int, variable: String?)
        /// 404: the model is not served; `available` is what `/models` lists (empty when unknown).
        case modelNotFound(available: [String])
        /// 404 although the model is listed: the endpoint path is wrong.
        case routeNotFound(url: String)
        /// 429 on every attempt.
        case rateLimited(attempts: Int)
        /// 5xx on every attempt.
        case serverError(status: Int, attempts: Int, message: String)
        /// Any other non-2xx status.
        case rejected(status: Int, message: String)
        /// The connection dropped on every attempt.
        case connectionLost(attempts: Int)
        /// 2xx with a body that is not an OpenAI completion.
        case malformedResponse(excerpt: String)
        /// 2xx with an empty `choices` array.
        case emptyChoices
        /// No answer within the tier's `timeoutSeconds`.
        case timeout(seconds: Double)
        /// `local` endpoint could not be served (setup missing, server did not start).
        case localServer(String)
        /// Anything else the transport reported.
        case transport(String)
        /// The answer was larger than the client accepts.
        case responseTooLarge(limit: Int)
    }

    public var tier: String
    /// The base URL the tier points at (`…/v1`).
    public var endpoint: String
    public var model: String
    public var kind: Kind

    public init(tier: String, endpoint: String, model: String, kind: Kind) {
        self.tier = tier
        self.endpoint = endpoint
        self.model = model
        self.kind = kind
    }

    /// True for failures worth another attempt (429, 5xx, a dropped connection).
    public var isRetryable: Bool {
        switch kind {
        case .rateLimited, .serverError, .connectionLost: true
        default: false
        }
    }

    public var description: String {
        let head = "tier \(tier) (\(model) at \(endpoint))"
        switch kind {
        case .connectionRefused:
            return "\(head): nothing listens at \(endpoint) — start it or run `cascade doctor`"
        case .missingAPIKey(let variable):
            return "\(head): environment variable \(variable) is not set — export \(variable)=<your key> (the key is never read from the config file)"
        case .unauthorized(let status, let variable):
            if let variable {
                return "\(head): the server rejected the API key (HTTP \(status)) — set \(variable) to a valid key for this endpoint"
            }
            return "\(head): the server wants an API key (HTTP \(status)) — add \"apiKeyEnv\": \"OPENAI_API_KEY\" to the tier and export that variable"
        case .modelNotFound(let available):
            let list = available.isEmpty ? "the server lists no models at \(endpoint)/models" : "it serves: \(available.joined(separator: ", "))"
            return "\(head): model \"\(model)\" not found (HTTP 404); \(list) — set the tier's \"model\" to one of them"
        case .routeNotFound(let url):
            return "\(head): HTTP 404 for \(url) although the model is listed — check that \"endpoint\" ends in /v1 and \"api\" (chat or completions) is right"
        case .rateLimited(let attempts):
            return "\(head): rate limited (HTTP 429) on all \(attempts) attempts — wait, lower \"samples\", or raise your provider's limit"
        case .serverError(let status, let attempts, let message):
            return "\(head): server error HTTP \(status) on all \(attempts) attempts (\(message)) — check the server's log or run `cascade doctor`"
        case .rejected(let status, let message):
            return "\(head): the server refused the request with HTTP \(status) (\(message)) — check the tier's settings against the server's API"
        case .connectionLost(let attempts):
            return "\(head): the connection dropped on all \(attempts) attempts — check the server is healthy (`cascade doctor`)"
        case .malformedResponse(let excerpt):
            return "\(head): the answer is not an OpenAI completion (\(excerpt)) — check that \"endpoint\" points at an OpenAI-compatible API"
        case .emptyChoices:
            return "\(head): the server answered with no choices — check \"maxTokens\" and that the model can serve this API"
        case .timeout(let seconds):
            return "\(head): no answer within \(Self.format(seconds)) s — raise \"timeoutSeconds\" for this tier or use a faster model"
        case .localServer(let message):
            return "\(head): \(message)"
        case .transport(let message):
            return "\(head): \(message) — run `cascade doctor`"
        case .responseTooLarge(let limit):
            return "\(head): the answer was larger than \(limit >= 1 << 20 ? "\(limit >> 20) MB" : "\(limit) bytes"), so it was cut off and dropped — check that \"endpoint\" is a model server and \"maxTokens\" is sensible"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
