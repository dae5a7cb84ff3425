import Cascade
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ModelClients
import Testing
import TestSupport

/// Short retries so the retry tests stay fast; the policy's shape is what is tested.
private let quickRetry = RetryPolicy(maxAttempts: 3, baseDelaySeconds: 0.05, maxDelaySeconds: 2)

private func tier(_ server: FakeModelServer, api: ModelAPI = .chat, model: String = "fake-model", timeout: Double = 10, apiKeyEnv: String? = nil) -> TierConfig {
    TierConfig(name: "small", endpoint: server.endpoint, model: model, api: api, apiKeyEnv: apiKeyEnv, timeoutSeconds: timeout)
}

private func request(samples: Int = 1, stop: [String] = []) -> GenerationRequest {
    GenerationRequest(
        prompt: Prompt(messages: [ChatMessage(role: .user, content: "write def add(a, b)")], text: "def add(a, b):\n"),
        samples: samples, temperature: 0.7, maxTokens: 64, stop: stop)
}

@Suite(.timeLimit(.minutes(1)))
struct OpenAIClientTests {
    @Test func chatSendsTheRequestAndReturnsTextsAndUsage() async throws {
        let server = try FakeModelServer.openAI { call in "answer \(call.choiceIndex)" }
        let client = OpenAIClient(tier: tier(server), options: .init(retry: quickRetry))
        let result = try await client.generate(request(samples: 3, stop: ["\n```\n"]))
        #expect(result.texts == ["answer 0", "answer 1", "answer 2"])
        #expect(result.usageEstimated == false)
        #expect(result.promptTokens == 4)
        #expect(result.completionTokens == 6)
        let calls = server.modelCalls
        #expect(calls.count == 1)
        #expect(calls.first?.n == 3)
        #expect(calls.first?.temperature == 0.7)
        #expect(calls.first?.maxTokens == 64)
        #expect(calls.first?.stop == ["\n```\n"])
        #expect(server.requests.first?.path == "/v1/chat/completions")
    }

    @Test func completionsApiPostsTheRawPrompt() async throws {
        let server = try FakeModelServer.openAI { _ in "    return a + b" }
        let client = OpenAIClient(tier: tier(server, api: .completions))
        let result = try await client.generate(request())
        #expect(result.texts == ["    return a + b"])
        #expect(server.requests.first?.path == "/v1/completions")
        #expect(server.modelCalls.first?.prompt == "def add(a, b):\n")
        #expect(server.modelCalls.first?.api == .completions)
    }

    @Test func zeroSamplesMeansOneGreedySample() async throws {
        let server = try FakeModelServer.openAI { _ in "x" }
        let result = try await OpenAIClient(tier: tier(server)).generate(request(samples: 0))
        #expect(result.texts.count == 1)
        #expect(server.modelCalls.first?.temperature == 0)
    }

    @Test func ignoredNFallsBackToParallelCallsAndIsRemembered() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(honoursN: false)) { call in "t\(call.prompt.count)" }
        let client = OpenAIClient(tier: tier(server))
        let result = try await client.generate(request(samples: 4))
        #expect(result.texts.count == 4)
        #expect(server.modelCalls.count == 4)
        #expect(server.modelCalls.first?.n == 4)
        #expect(server.modelCalls.dropFirst().allSatisfy { $0.n == 1 })
        #expect(client.serverIgnoresN)
        // Usage sums every call: 4 calls × 4 prompt words.
        #expect(result.promptTokens == 16)
        _ = try await client.generate(request(samples: 2))
        #expect(server.modelCalls.count == 6, "the second request must not try n again")
    }

    @Test func localServerOptionsSendKSequentialRequestsWithoutN() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(honoursN: false)) { _ in "y" }
        let client = OpenAIClient(tier: tier(server), options: .localServer)
        let result = try await client.generate(request(samples: 3))
        #expect(result.texts == ["y", "y", "y"])
        #expect(server.modelCalls.count == 3)
        #expect(server.requests.allSatisfy { $0.jsonObject?["n"] == nil })
    }

    /// llama.cpp reuses the prompt it evaluated last, so one request's calls must not be
    /// interleaved with another's (solutions and tests of a tier are asked for at once).
    @Test func localServerOptionsKeepOneRequestsCallsTogether() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(honoursN: false, delaySeconds: 0.01)) { _ in "y" }
        let client = OpenAIClient(tier: tier(server), options: .localServer)
        func asking(_ what: String) -> GenerationRequest {
            GenerationRequest(prompt: Prompt(messages: [ChatMessage(role: .user, content: what)], text: what),
                              samples: 3, temperature: 0.7, maxTokens: 16)
        }
        async let solutions = client.generate(asking("solutions"))
        async let tests = client.generate(asking("tests"))
        _ = try await (solutions, tests)
        let order = server.modelCalls.map(\.prompt)
        #expect(order.count == 6)
        #expect(order == ["solutions", "solutions", "solutions", "tests", "tests", "tests"]
                || order == ["tests", "tests", "tests", "solutions", "solutions", "solutions"], "calls: \(order)")
    }

    /// A whole (non-streamed) answer without usage; streamed answers count chunks instead
    /// (StreamingTests).
    @Test func missingUsageIsEstimatedAndMarked() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(includesUsage: false)) { _ in "0123456789ab" }
        let result = try await OpenAIClient(tier: tier(server), options: .init(streams: false)).generate(request(samples: 1))
        #expect(result.usageEstimated)
        #expect(result.completionTokens == 3, "12 bytes / 4")
        // "write def add(a, b)" is 19 bytes → 5 tokens, plus 4 for the chat message.
        #expect(result.promptTokens == 9)
    }

    @Test func apiKeyEnvBecomesABearerHeader() async throws {
        let server = try FakeModelServer.openAI { _ in "ok" }
        let client = OpenAIClient(tier: tier(server, apiKeyEnv: "FAKE_KEY"), options: .init(environment: ["FAKE_KEY": "sk-test"]))
        _ = try await client.generate(request())
        #expect(server.requests.first?.header("Authorization") == "Bearer sk-test")
    }

    @Test func unsetApiKeyVariableIsNamedBeforeAnyRequest() async throws {
        let server = try FakeModelServer.openAI { _ in "ok" }
        let client = OpenAIClient(tier: tier(server, apiKeyEnv: "FAKE_KEY"), options: .init(environment: [:]))
        let error = try await #require(throws: ModelError.self) { try await client.generate(request()) }
        #expect(error.kind == .missingAPIKey(variable: "FAKE_KEY"))
        #expect(error.description.contains("export FAKE_KEY="))
        #expect(server.requests.isEmpty)
    }

    @Test func rateLimitedThenSuccessHonoursRetryAfter() async throws {
        let server = try FakeModelServer(
            queue: [.status(429, headers: ["Retry-After": "1"])],
            then: FakeModelServer.openAIHandler { _ in "after wait" })
        let client = OpenAIClient(tier: tier(server), options: .init(retry: quickRetry))
        let started = Date()
        let result = try await client.generate(request())
        #expect(result.texts == ["after wait"])
        #expect(server.requests.count == 2)
        #expect(Date().timeIntervalSince(started) >= 0.95, "Retry-After: 1 must be honoured")
    }

    @Test func serverErrorForeverStopsAfterTheBoundedAttempts() async throws {
        let server = try FakeModelServer { _ in .status(500, message: "boom") }
        let client = OpenAIClient(tier: tier(server), options: .init(retry: quickRetry))
        let error = try await #require(throws: ModelError.self) { try await client.generate(request()) }
        #expect(error.kind == .serverError(status: 500, attempts: 3, message: "boom"))
        #expect(server.requests.count == 3)
        #expect(error.description.contains("tier small"))
    }

    @Test func droppedConnectionIsRetried() async throws {
        let server = try FakeModelServer(queue: [.resetConnection, .dropConnection], then: FakeModelServer.openAIHandler { _ in "fine" })
        let client = OpenAIClient(tier: tier(server), options: .init(retry: quickRetry))
        let result = try await client.generate(request())
        #expect(result.texts == ["fine"])
        #expect(server.requests.count == 3)
    }

    @Test func slowResponsePastTheTimeoutFailsWithTimeout() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(delaySeconds: 50)) { _ in "late" }
        let client = OpenAIClient(tier: tier(server, timeout: 0.5), options: .init(retry: quickRetry))
        let started = Date()
        let error = try await #require(throws: ModelError.self) { try await client.generate(request()) }
        let elapsed = Date().timeIntervalSince(started)
        #expect(error.kind == .timeout(seconds: 0.5))
        #expect(error.description.contains("timeoutSeconds"))
        // Loose (the suite shares 2 cores and has seen this task delayed by 19 s), yet far
        // below the server's 50 s answer.
        #expect(elapsed < 30, "ended by our 0.5 s deadline, not by the server's answer")
        #expect(server.requests.count == 1, "a timeout is not retried")
    }

    @Test func malformedJSONIsReportedWithAnExcerpt() async throws {
        let server = try FakeModelServer { _ in .json("{\"choices\": [oops") }
        let error = try await #require(throws: ModelError.self) { try await OpenAIClient(tier: tier(server)).generate(request()) }
        guard case .malformedResponse(let excerpt) = error.kind else { Issue.record("got \(error)"); return }
        #expect(excerpt.contains("oops"))
        #expect(error.description.contains("OpenAI-compatible"))
    }

    @Test func emptyChoicesIsAnError() async throws {
        let server = try FakeModelServer { _ in .json(#"{"choices": []}"#) }
        let error = try await #require(throws: ModelError.self) { try await OpenAIClient(tier: tier(server)).generate(request()) }
        #expect(error.kind == .emptyChoices)
    }

    @Test func connectionRefusedSaysNothingListens() async throws {
        let server = try FakeModelServer { _ in .status(200) }
        let deadTier = tier(server)
        server.stop()
        let error = try await #require(throws: ModelError.self) { try await OpenAIClient(tier: deadTier).generate(request()) }
        #expect(error.kind == .connectionRefused)
        #expect(error.description.contains("nothing listens at \(deadTier.endpoint) — start it or run `cascade doctor`"))
    }

    @Test func unauthorizedNamesTheVariable() async throws {
        let server = try FakeModelServer { _ in .status(401, message: "bad key") }
        let client = OpenAIClient(tier: tier(server, apiKeyEnv: "MY_KEY"), options: .init(environment: ["MY_KEY": "wrong"]))
        let error = try await #require(throws: ModelError.self) { try await client.generate(request()) }
        #expect(error.kind == .unauthorized(status: 401, variable: "MY_KEY"))
        #expect(error.description.contains("set MY_KEY"))
    }

    @Test func unknownModelListsTheServersModels() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(models: ["qwen-a", "qwen-b"])) { _ in "x" }
        let error = try await #require(throws: ModelError.self) {
            try await OpenAIClient(tier: tier(server, model: "gpt-9")).generate(request())
        }
        #expect(error.kind == .modelNotFound(available: ["qwen-a", "qwen-b"]))
        #expect(error.description.contains("qwen-a, qwen-b"))
        #expect(server.requests.map(\.path) == ["/v1/chat/completions", "/v1/models"])
    }

    @Test func cancellationAbortsTheHTTPRequest() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(delaySeconds: 20)) { _ in "never" }
        let client = OpenAIClient(tier: tier(server, timeout: 30))
        let task = Task { try await client.generate(request()) }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        let started = Date()
        task.cancel()
        let outcome = await task.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        // Resuming the awaiting task needs a cooperative-pool thread, which other suites in
        // this process (blocking `waitUntilExit`) can hold for ~1 s on 2 cores; the socket-level
        // promptness (< 150 ms) is PlainHTTPClientTests' job. Still far below the 20 s delay.
        #expect(Date().timeIntervalSince(started) < 10)
        // The server sees the client close the connection while it is still delaying.
        let deadline = Date().addingTimeInterval(5)
        while server.abortedByClient == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.abortedByClient == 1)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct OpenAIClientLongCallTests {
    /// A slow answer that arrives inside the tier's timeout is not cut off.
    @Test func aSlowAnswerWithinTheTimeoutSucceeds() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(delaySeconds: 1.2)) { _ in "slow but fine" }
        let result = try await OpenAIClient(tier: tier(server, timeout: 3)).generate(request())
        #expect(result.texts == ["slow but fine"])
    }

    @Test func retryAfterAsAnHTTPDateIsParsed() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelaySeconds: 0.1, maxDelaySeconds: 30)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let inTenSeconds = formatter.string(from: Date().addingTimeInterval(10))
        let delay = policy.delay(afterAttempt: 1, retryAfter: inTenSeconds)
        #expect(delay > 8 && delay <= 10.5)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "120") == 30, "capped by maxDelaySeconds")
        #expect((0.08...0.12).contains(policy.delay(afterAttempt: 1, retryAfter: nil)))
        #expect((0.16...0.24).contains(policy.delay(afterAttempt: 2, retryAfter: nil)))
    }
}

@Suite(.timeLimit(.minutes(1)))
struct LoopbackProxyTests {
    /// libcurl may send even 127.0.0.1 through `http_proxy`; the transport
    /// adds loopback to `no_proxy` and keeps what the user had there.
    @Test func loopbackIsAddedToNoProxyKeepingExistingEntries() {
        setenv("no_proxy", "corp.example", 1)
        HTTPTransport.exemptLoopbackFromProxy()
        #expect(ProcessInfo.processInfo.environment["no_proxy"] == "corp.example,127.0.0.1,localhost,::1")
        HTTPTransport.exemptLoopbackFromProxy()
        #expect(ProcessInfo.processInfo.environment["no_proxy"] == "corp.example,127.0.0.1,localhost,::1", "idempotent")
        #expect(ProcessInfo.processInfo.environment["NO_PROXY"]?.contains("127.0.0.1") == true)
    }
}
