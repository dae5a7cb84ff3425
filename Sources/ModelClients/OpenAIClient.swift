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
///
/// Answers from `http://` endpoints are streamed (server-sent events, `Options.streams`):
/// a cancelled request's connection then closes mid-generation, and llama-cpp-python's
/// server stops a streamed generation when it next sends a chunk — a non-streamed one it
/// runs to its end, keeping the next request waiting (it serves one at a time). (Cancelled
/// during prompt evaluation, the request still costs that and one token.) A stop sequence
/// also ends the stream as soon as it appears. `https://` is never streamed: it goes
/// through URLSession, and streaming there would need a delegate-driven path of its own.
public struct OpenAIClient: CodeModel {
    public struct Options: Sendable {
        /// False never sends `n`: k samples are always k calls.
        public var sendsN: Bool
        /// How many calls of one request may be in flight at once (1 = sequential).
        public var maxConcurrentCalls: Int
        public var retry: RetryPolicy
        /// Where `apiKeyEnv` is looked up.
        public var environment: [String: String]
        /// Ask `http://` endpoints to stream (`"stream": true`); false waits for whole answers.
        public var streams: Bool
        /// The most bytes one answer may have; past it the call fails and the rest is never
        /// read, so a runaway or hostile endpoint cannot fill the memory. 16 MB is far above
        /// any completion (`maxTokens` 384 is a few kilobytes).
        public var maxResponseBytes: Int

        public static let defaultMaxResponseBytes = 16 << 20

        public init(
            sendsN: Bool = true, maxConcurrentCalls: Int = 8, retry: RetryPolicy = RetryPolicy(),
            environment: [String: String] = ProcessInfo.processInfo.environment, streams: Bool = true,
            maxResponseBytes: Int = Options.defaultMaxResponseBytes
        ) {
            self.sendsN = sendsN
            self.maxConcurrentCalls = max(1, maxConcurrentCalls)
            self.retry = retry
            self.environment = environment
            self.streams = streams
            self.maxResponseBytes = max(1, maxResponseBytes)
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
        let streamed = streams(httpRequest.url)
        var attempt = 1
        while true {
            try Task.checkCancellation()
            do {
                return try await attemptOnce(httpRequest, request, n: n, streamed: streamed)
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

    private func attemptOnce(_ httpRequest: HTTPRequest, _ request: GenerationRequest, n: Int?, streamed: Bool) async throws -> CallOutcome {
        let timeout = tier.timeoutSeconds
        // Wait for a slot before the deadline starts: a queued call is not a slow call.
        let answer = try await gate.withSlot {
            try await transported(timeout: timeout) {
                // The transport's own limit is only a backstop behind `withDeadline`.
                streamed
                    ? try await receiveStream(httpRequest, request, n: n, timeoutSeconds: timeout + 5)
                    : .whole(try await HTTPTransport.send(httpRequest, timeoutSeconds: timeout + 5, maxBodyBytes: options.maxResponseBytes))
            }
        }
        let response: HTTPResponse
        switch answer {
        case .streamed(let outcome): return outcome
        case .whole(let whole): response = whole
        }
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
        try await transported(timeout: timeout) {
            // The transport's own limit is only a backstop behind `withDeadline`.
            try await HTTPTransport.send(httpRequest, timeoutSeconds: timeout + 5)
        }
    }

    /// Runs one HTTP exchange with a deadline, mapping transport failures to `ModelError` /
    /// `RetryableFailure`.
    private func transported<T: Sendable>(timeout: Double, _ exchange: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await withDeadline(seconds: timeout, exchange)
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
            case .responseTooLarge(let limit): throw error(.responseTooLarge(limit: limit))
            case .badURL, .other: throw error(.transport(transportError.description))
            }
        } catch let other as ModelError {
            throw other
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw self.error(.transport(String(describing: error)))
        }
    }

    // MARK: - Streamed calls

    /// What a streamed call brought: the assembled completion, or — for an error status, or a
    /// server that answered with one JSON body after all — the whole response, handled as if
    /// it had not been streamed.
    private enum Answer: Sendable {
        case streamed(CallOutcome)
        case whole(HTTPResponse)
    }

    /// Whether calls to `url` stream: `http://` only (see the type's comment).
    private func streams(_ url: URL) -> Bool {
        options.streams && url.scheme?.lowercased() == "http"
    }

    private func receiveStream(_ httpRequest: HTTPRequest, _ request: GenerationRequest, n: Int?, timeoutSeconds: Double) async throws -> Answer {
        let collector = StreamedAnswerCollector(
            CompletionStream(api: tier.api, stops: request.stop, singleChoice: (n ?? 1) == 1), maxBytes: options.maxResponseBytes)
        let head: HTTPResponse
        do {
            head = try await PlainHTTPClient.stream(httpRequest, timeoutSeconds: timeoutSeconds) { head, piece in
                try collector.take(head, piece)
            }
        } catch let problem as CompletionStream.Problem {
            throw error(for: problem)
        }
        guard StreamedAnswerCollector.isEventStream(head) else {
            var whole = head
            whole.body = collector.wholeBody
            return .whole(whole)
        }
        let completion: CompletionStream
        do {
            completion = try collector.finish()
        } catch {
            throw self.error(for: error)
        }
        return .streamed(try outcome(of: completion, request))
    }

    /// The texts and usage of a finished stream.
    ///
    /// Usage: a chunk's `usage` is exact (OpenAI, vLLM and llama.cpp's own server send it in
    /// the last chunk when asked with `stream_options.include_usage`). llama-cpp-python
    /// (0.3.36) never sends usage in a stream; then the completion tokens are the chunks that
    /// carried text — it sends one chunk per token, except that tokens which only together
    /// make a character come as one, so the count can be a little low; chunks after a stop
    /// sequence we cut at are neither read nor counted — and the prompt tokens are
    /// `TokenEstimate`'s guess, so the result says `usageEstimated`. A stream we ended at a
    /// stop sequence before the server's last chunk is counted the same way.
    private func outcome(of completion: CompletionStream, _ request: GenerationRequest) throws -> CallOutcome {
        let texts = completion.texts
        guard !texts.isEmpty else { throw error(.emptyChoices) }
        if let usage = completion.usage {
            return CallOutcome(texts: texts, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, usageEstimated: false)
        }
        return CallOutcome(
            texts: texts, promptTokens: estimatedPromptTokens(request),
            completionTokens: completion.chunksWithText, usageEstimated: true)
    }

    private func error(for problem: CompletionStream.Problem) -> ModelError {
        switch problem {
        case .notAChunk(let excerpt): error(.malformedResponse(excerpt: excerpt))
        case .serverError(let message): error(.rejected(status: 200, message: "error inside the stream: \(message)"))
        case .tooLarge(let limit): error(.responseTooLarge(limit: limit))
        }
    }

    // MARK: - Whole answers

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
        return CallOutcome(
            texts: texts,
            promptTokens: estimatedPromptTokens(request),
            completionTokens: texts.reduce(0) { $0 + TokenEstimate.tokens(in: $1) },
            usageEstimated: true)
    }

    private func estimatedPromptTokens(_ request: GenerationRequest) -> Int {
        let promptParts = tier.api == .chat ? request.prompt.messages.map(\.content) : [request.prompt.text]
        return TokenEstimate.promptTokens(promptParts, chat: tier.api == .chat)
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
        let streamed = streams(url)
        let streamOptions = streamed ? StreamOptions(include_usage: true) : nil
        let encoder = JSONEncoder()
        switch tier.api {
        case .chat:
            httpRequest.body = try encoder.encode(ChatCompletionBody(
                model: tier.model, messages: request.prompt.messages, n: n, temperature: temperature,
                max_tokens: request.maxTokens, stop: stop, seed: request.sampleIndex,
                stream: streamed ? true : nil, stream_options: streamOptions))
        case .completions:
            httpRequest.body = try encoder.encode(TextCompletionBody(
                model: tier.model, prompt: request.prompt.text, n: n, temperature: temperature,
                max_tokens: request.maxTokens, stop: stop, seed: request.sampleIndex,
                stream: streamed ? true : nil, stream_options: streamOptions))
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
