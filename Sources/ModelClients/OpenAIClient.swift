import Cascade
import Foundation
import Synchronization

/// A `CodeModel` over any OpenAI-compatible API (`/chat/completions` or `/completions`).
///
/// k samples are asked for with `n = k` in one call; when the server answers with fewer
/// choices (llama.cpp's server ignores `n`), the rest come from parallel `n`-less calls
/// and later requests skip `n` altogether. Each HTTP call has the tier's
/// `timeoutSeconds` as its deadline and is retried on 429, 5xx and dropped connections
/// per `RetryPolicy`, honouring `Retry-After`. Cancelling the task aborts the HTTP request.
public struct OpenAIClient: CodeModel {
    public struct Options: Sendable {
        /// False never sends `n`: k samples are always k calls.
        public var sendsN: Bool
        /// How many calls of one request may be in flight at once (1 = sequential).
        public var maxConcurrentCalls: Int
        public var retry: RetryPolicy
        /// Where `apiKeyEnv` is looked up.
        public var environment: [String: String]

        public init(
            sendsN: Bool = true, maxConcurrentCalls: Int = 8, retry: RetryPolicy = RetryPolicy(),
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.sendsN = sendsN
            self.maxConcurrentCalls = max(1, maxConcurrentCalls)
            self.retry = retry
            self.environment = environment
        }

        /// For llama.cpp's server: no `n`, one request at a time.
        public static var localServer: Options { Options(sendsN: false, maxConcurrentCalls: 1) }
    }

    /// The tier as configured; `endpoint` must be an HTTP base URL here (not `"local"`).
    public let tier: TierConfig
    public let options: Options
    private let learned: LearnedFlags
    /// Limits calls in flight across every `generate` on this client (solutions and tests
    /// of one tier share it), so a one-request-at-a-time local server is not queued into.
    private let gate: CallGate
    /// With one call at a time, the k calls of one request go back to back instead of
    /// alternating with another request's: llama.cpp then reuses the prompt it has just
    /// evaluated (a prefix-cache hit) rather than evaluating each prompt k times. With more
    /// calls at once it never holds anything back.
    private let requestGate: CallGate

    public init(tier: TierConfig, options: Options = Options()) {
        self.tier = tier
        self.options = options
        self.learned = LearnedFlags()
        self.gate = CallGate(limit: options.maxConcurrentCalls)
        self.requestGate = CallGate(limit: options.maxConcurrentCalls == 1 ? 1 : .max)
    }

    /// Whether the server was seen ignoring `n` (then later requests don't send it).
    public var serverIgnoresN: Bool { learned.ignoresN.load(ordering: .relaxed) }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let wanted = max(1, request.samples)
        let temperature = request.samples == 0 ? 0 : request.temperature
        let started = ContinuousClock.now
        var outcomes: [CallOutcome] = []

        if wanted > 1 && options.sendsN && !serverIgnoresN {
            let first = try await call(request, n: wanted, temperature: temperature)
            if first.texts.count < wanted { learned.ignoresN.store(true, ordering: .relaxed) }
            outcomes.append(first)
        }
        let missing = wanted - outcomes.reduce(0) { $0 + $1.texts.count }
        if missing > 0 {
            outcomes += try await requestGate.withSlot { try await singleCalls(missing, request, temperature: temperature) }
        }
        var texts = outcomes.flatMap(\.texts)
        if texts.count > wanted { texts = Array(texts.prefix(wanted)) }
        let elapsed = ContinuousClock.now - started
        return GenerationResult(
            texts: texts,
            promptTokens: outcomes.reduce(0) { $0 + $1.promptTokens },
            completionTokens: outcomes.reduce(0) { $0 + $1.completionTokens },
            usageEstimated: outcomes.contains { $0.usageEstimated },
            latencyMs: elapsed.wholeMilliseconds)
    }

    /// The model ids the server lists at `{endpoint}/models`.
    public func listModels(timeoutSeconds: Double = 5) async throws -> [String] {
        guard let url = URL(string: base + "/models") else { throw error(.transport("bad endpoint URL")) }
        var httpRequest = HTTPRequest(method: "GET", url: url)
        try authorize(&httpRequest)
        let response = try await send(httpRequest, timeout: timeoutSeconds)
        let data = response.body
        guard (200..<300).contains(response.status) else {
            let status = response.status
            if status == 401 || status == 403 { throw error(.unauthorized(status: status, variable: tier.apiKeyEnv)) }
            throw error(.rejected(status: status, message: "GET /models"))
        }
        guard let list = try? JSONDecoder().decode(ModelListResponse.self, from: data) else {
            throw error(.malformedResponse(excerpt: Self.excerpt(data)))
        }
        return list.data.map(\.id)
    }

    // MARK: - Calls

    private struct CallOutcome: Sendable {
        var texts: [String]
        var promptTokens: Int
        var completionTokens: Int
        var usageEstimated: Bool
    }

    /// `count` calls without `n`, at most `maxConcurrentCalls` at once, results in order.
    private func singleCalls(_ count: Int, _ request: GenerationRequest, temperature: Double) async throws -> [CallOutcome] {
        try await concurrentMap(count: count, width: options.maxConcurrentCalls) { _ in
            try await call(request, n: nil, temperature: temperature)
        }
    }

    /// One logical call with retries.
    private func call(_ request: GenerationRequest, n: Int?, temperature: Double) async throws -> CallOutcome {
        let httpRequest = try makeRequest(request, n: n, temperature: temperature)
        var attempt = 1
        while true {
            try Task.checkCancellation()
            do {
                return try await attemptOnce(httpRequest, request)
            } catch let failure as RetryableFailure {
                guard attempt < options.retry.maxAttempts else { throw error(failure.finalKind(attempts: attempt)) }
                let wait = options.retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
                try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
                attempt += 1
            }
        }
    }

    private struct RetryableFailure: Error {
        enum Reason { case rateLimited, server(Int, String), connectionLost }
        var reason: Reason
        var retryAfter: String?

        func finalKind(attempts: Int) -> ModelError.Kind {
            switch reason {
            case .rateLimited: .rateLimited(attempts: attempts)
            case .server(let status, let message): .serverError(status: status, attempts: attempts, message: message)
            case .connectionLost: .connectionLost(attempts: attempts)
            }
        }
    }

    private func attemptOnce(_ httpRequest: HTTPRequest, _ request: GenerationRequest) async throws -> CallOutcome {
        // Wait for a slot before the deadline starts: a queued call is not a slow call.
        let response = try await gate.withSlot { try await send(httpRequest, timeout: tier.timeoutSeconds) }
        let data = response.body
        let status = response.status
        switch status {
        case 200..<300:
            return try parse(data, request)
        case 401, 403:
            throw error(.unauthorized(status: status, variable: tier.apiKeyEnv))
        case 404:
            let available = (try? await listModels()) ?? []
            if available.contains(tier.model) { throw error(.routeNotFound(url: httpRequest.url.absoluteString)) }
            throw error(.modelNotFound(available: available))
        case 429:
            throw RetryableFailure(reason: .rateLimited, retryAfter: response.header("Retry-After"))
        case 500..<600:
            throw RetryableFailure(reason: .server(status, Self.message(data)), retryAfter: response.header("Retry-After"))
        default:
            throw error(.rejected(status: status, message: Self.message(data)))
        }
    }

    /// Sends with a deadline, mapping transport failures to `ModelError` / `RetryableFailure`.
    /// `http://` goes over our own socket client, `https://` over URLSession (`HTTPTransport`).
    private func send(_ httpRequest: HTTPRequest, timeout: Double) async throws -> HTTPResponse {
        do {
            return try await withDeadline(seconds: timeout) {
                // The transport's own limit is only a backstop behind `withDeadline`.
                try await HTTPTransport.send(httpRequest, timeoutSeconds: timeout + 5)
            }
        } catch is DeadlineExceeded {
            throw error(.timeout(seconds: timeout))
        } catch is CancellationError {
            throw CancellationError()
        } catch let transportError as HTTPTransportError {
            if Task.isCancelled { throw CancellationError() }
            switch transportError {
            case .cannotConnect: throw error(.connectionRefused)
            case .connectionLost: throw RetryableFailure(reason: .connectionLost, retryAfter: nil)
            case .timedOut: throw error(.timeout(seconds: timeout))
            case .badURL, .other: throw error(.transport(transportError.description))
            }
        } catch let other as ModelError {
            throw other
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw self.error(.transport(String(describing: error)))
        }
    }

    private func parse(_ data: Data, _ request: GenerationRequest) throws -> CallOutcome {
        guard let decoded = try? JSONDecoder().decode(CompletionResponse.self, from: data) else {
            throw error(.malformedResponse(excerpt: Self.excerpt(data)))
        }
        guard !decoded.choices.isEmpty else { throw error(.emptyChoices) }
        let ordered = decoded.choices.enumerated().sorted { ($0.element.index ?? $0.offset) < ($1.element.index ?? $1.offset) }
        let texts = ordered.map { tier.api == .chat ? ($0.element.message?.content ?? $0.element.text ?? "") : ($0.element.text ?? $0.element.message?.content ?? "") }
        if let usage = decoded.usage, let promptTokens = usage.prompt_tokens, let completionTokens = usage.completion_tokens {
            return CallOutcome(texts: texts, promptTokens: promptTokens, completionTokens: completionTokens, usageEstimated: false)
        }
        let promptParts = tier.api == .chat ? request.prompt.messages.map(\.content) : [request.prompt.text]
        return CallOutcome(
            texts: texts,
            promptTokens: TokenEstimate.promptTokens(promptParts, chat: tier.api == .chat),
            completionTokens: texts.reduce(0) { $0 + TokenEstimate.tokens(in: $1) },
            usageEstimated: true)
    }

    // MARK: - Requests

    private var base: String {
        tier.endpoint.hasSuffix("/") ? String(tier.endpoint.dropLast()) : tier.endpoint
    }

    private func makeRequest(_ request: GenerationRequest, n: Int?, temperature: Double) throws -> HTTPRequest {
        let path = tier.api == .chat ? "/chat/completions" : "/completions"
        guard let url = URL(string: base + path), url.scheme == "http" || url.scheme == "https" else {
            throw error(.transport("endpoint \"\(tier.endpoint)\" is not an http(s) URL"))
        }
        var httpRequest = HTTPRequest(method: "POST", url: url)
        httpRequest.setHeader("Content-Type", "application/json")
        try authorize(&httpRequest)
        let stop = request.stop.isEmpty ? nil : request.stop
        let encoder = JSONEncoder()
        switch tier.api {
        case .chat:
            httpRequest.body = try encoder.encode(ChatCompletionBody(
                model: tier.model, messages: request.prompt.messages, n: n, temperature: temperature,
                max_tokens: request.maxTokens, stop: stop, seed: request.sampleIndex))
        case .completions:
            httpRequest.body = try encoder.encode(TextCompletionBody(
                model: tier.model, prompt: request.prompt.text, n: n, temperature: temperature,
                max_tokens: request.maxTokens, stop: stop, seed: request.sampleIndex))
        }
        return httpRequest
    }

    private func authorize(_ httpRequest: inout HTTPRequest) throws {
        guard let variable = tier.apiKeyEnv, !variable.isEmpty else { return }
        guard let key = options.environment[variable], !key.isEmpty else { throw error(.missingAPIKey(variable: variable)) }
        httpRequest.setHeader("Authorization", "Bearer \(key)")
    }

    private func error(_ kind: ModelError.Kind) -> ModelError {
        ModelError(tier: tier.name, endpoint: tier.endpoint, model: tier.model, kind: kind)
    }

    private static func excerpt(_ data: Data) -> String {
        let text = String(decoding: data.prefix(120), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return data.isEmpty ? "empty body" : "body starts \"\(text)\""
    }

    private static func message(_ data: Data) -> String {
        if let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: data),
           let message = envelope.error?.message ?? envelope.detail {
            return String(message.prefix(200))
        }
        return String(String(decoding: data.prefix(200), as: UTF8.self).prefix(200))
    }
}

/// What a client learns about its server across requests (shared by copies of the struct).
final class LearnedFlags: Sendable {
    let ignoresN = Atomic<Bool>(false)
}
