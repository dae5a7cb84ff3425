import Cascade
import Foundation
@testable import ModelClients
import Synchronization
import Testing
import TestSupport

private func tier(_ server: FakeModelServer, api: ModelAPI = .chat, timeout: Double = 20) -> TierConfig {
    TierConfig(name: "small", endpoint: server.endpoint, model: "fake-model", api: api, timeoutSeconds: timeout)
}

private func asking(_ content: String, samples: Int = 1, stop: [String] = []) -> GenerationRequest {
    GenerationRequest(prompt: Prompt(messages: [ChatMessage(role: .user, content: content)], text: content),
                      samples: samples, temperature: 0.7, maxTokens: 256, stop: stop)
}

/// `count` words, each its own streamed token.
private func words(_ count: Int) -> String {
    (1...count).map { "word\($0)" }.joined(separator: " ")
}

/// What the fake's `clientClosedAt` is compared with: from `cancel()` to the server seeing
/// the connection close.
private let closeAfterCancel = Duration.milliseconds(200)

@Suite(.timeLimit(.minutes(1)))
struct StreamingTests {
    @Test func aStreamedChatAnswerIsAssembledPerChoiceWithExactUsageFromItsLastChunk() async throws {
        let server = try FakeModelServer.openAI { call in "answer \(call.choiceIndex) in five words" }
        let result = try await OpenAIClient(tier: tier(server)).generate(asking("write add please", samples: 3))
        #expect(result.texts == ["answer 0 in five words", "answer 1 in five words", "answer 2 in five words"])
        #expect(result.usageEstimated == false)
        #expect(result.promptTokens == 3)
        #expect(result.completionTokens == 15)
        let sent = try #require(server.requests.first?.jsonObject)
        #expect(sent["stream"] as? Bool == true)
        #expect((sent["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect(server.streams.count == 1, "answered as an event stream")
        #expect(server.streams.first?.tokensSent == 15)
    }

    /// llama-cpp-python sends no usage in streams: one chunk per token is what is counted.
    @Test func withoutUsageInTheStreamCompletionTokensAreTheChunksAndMarkedEstimated() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(honoursN: false, includesUsage: false)) { _ in
            "def add(a, b):\n    return a + b"
        }
        let result = try await OpenAIClient(tier: tier(server), options: .localServer).generate(asking("write def add(a, b)"))
        #expect(result.texts == ["def add(a, b):\n    return a + b"])
        #expect(result.usageEstimated)
        #expect(result.completionTokens == 7, "7 chunks carried text")
        #expect(server.streams.first?.tokensSent == 7)
        // "write def add(a, b)": 19 bytes → 5 tokens, plus 4 for the chat message.
        #expect(result.promptTokens == 9)
    }

    @Test func aStreamedCompletionsAnswerIsAssembledFromChoiceText() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(includesUsage: false)) { _ in "    return a + b\n" }
        let result = try await OpenAIClient(tier: tier(server, api: .completions)).generate(asking("def add(a, b):\n"))
        #expect(result.texts == ["    return a + b\n"])
        #expect(result.completionTokens == 4)
        #expect(server.requests.first?.path == "/v1/completions")
        #expect(server.modelCalls.first?.stream == true)
    }

    @Test func aServerThatIgnoresStreamIsReadAsOneJSONAnswer() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(streamsWhenAsked: false)) { _ in "whole answer" }
        let result = try await OpenAIClient(tier: tier(server)).generate(asking("hi"))
        #expect(result.texts == ["whole answer"])
        #expect(result.usageEstimated == false)
        #expect(server.modelCalls.first?.stream == true)
        #expect(server.streams.isEmpty)
    }

    @Test func streamsFalseSendsNoStreamField() async throws {
        let server = try FakeModelServer.openAI { _ in "ok" }
        _ = try await OpenAIClient(tier: tier(server), options: .init(streams: false)).generate(asking("hi"))
        #expect(server.requests.first?.jsonObject?["stream"] == nil)
        #expect(server.requests.first?.jsonObject?["stream_options"] == nil)
    }

    @Test func anErrorInsideTheStreamIsReported() async throws {
        let server = try FakeModelServer { _ in
            .eventStream([StreamedEvent(data: #"{"error": {"code": 500, "message": "context is full", "type": "server_error"}}"#)])
        }
        let error = try await #require(throws: ModelError.self) { try await OpenAIClient(tier: tier(server)).generate(asking("hi")) }
        #expect(error.kind == .rejected(status: 200, message: "error inside the stream: context is full"))
        let garbage = try FakeModelServer { _ in .eventStream([StreamedEvent(data: "not json")]) }
        let malformed = try await #require(throws: ModelError.self) { try await OpenAIClient(tier: tier(garbage)).generate(asking("hi")) }
        #expect(malformed.kind == .malformedResponse(excerpt: "a stream event starts \"not json\""))
    }

    /// 200 tokens after the stop sequence (4 s): ample for a slow client to close before the end.
    @Test func aStopSequenceEndsTheStreamBeforeTheServerHasSentEverything() async throws {
        let reply = "```python\ndef f():\n    return 1\n```\n" + words(200)
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(includesUsage: false, secondsPerToken: 0.02)) { _ in reply }
        let result = try await OpenAIClient(tier: tier(server)).generate(asking("write f", stop: ["\n```\n"]))
        #expect(result.texts == ["```python\ndef f():\n    return 1"])
        // "```python", "\ndef", " f():", "\n    return", " 1", "\n```", "\nword1": the stop
        // sequence is complete with the 7th token; none after it was read or counted.
        #expect(result.completionTokens == 7)
        #expect(result.usageEstimated)
        #expect(try await eventually { server.streams.first?.clientClosedAt != nil }, "the client closed the connection")
        let stream = try #require(server.streams.first)
        #expect(stream.tokensPlanned == 206)
        #expect(stream.tokensSent < stream.tokensPlanned, "sent \(stream.tokensSent) of \(stream.tokensPlanned)")
        #expect(!stream.completed)
    }

    @Test func aCancelledRequestsConnectionIsClosedAndNoFurtherTokensAreRequested() async throws {
        // 400 tokens (20 s): the answer cannot end by itself before the cancellation.
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(honoursN: false, secondsPerToken: 0.05)) { _ in words(400) }
        let client = OpenAIClient(tier: tier(server), options: .localServer)
        let task = Task { try await client.generate(asking("write a long answer", samples: 3)) }
        #expect(try await eventually { (server.streams.first?.tokensSent ?? 0) >= 2 }, "mid-stream")
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await eventually { server.streams.first?.clientClosedAt != nil })
        let stream = try #require(server.streams.first)
        let closedAfter = try #require(stream.clientClosedAt) - cancelled
        print("StreamingTests: the server saw the connection close \(closedAfter) after cancel()")
        #expect(closedAfter < closeAfterCancel, "closed \(closedAfter) after cancel()")
        #expect(!stream.completed && stream.tokensSent < stream.tokensPlanned)
        // `generate` has returned: no sample after the cancelled one is asked for.
        #expect(server.requests.count == 1)
    }

    /// The fake plays llama-cpp-python: one request at a time, a streamed generation stopped
    /// when its client leaves, so A's connection closing is what lets B start.
    ///
    /// B's delay is measured where it arises, on the server: from B's request arriving to
    /// B's first token leaving (both on the fake's threads, as B's bytes leave and arrive on
    /// the client's I/O thread). The time until `generate` returns is only checked against
    /// A's whole answer, because resuming the awaiting task needs the cooperative pool, which
    /// other suites of this process can hold for seconds on a loaded 2-core machine.
    @Test func aSupersededRequestDoesNotDelayTheNextOneByMoreThan200msWithAModelThatStreamsSlowly() async throws {
        let tokenInterval = 0.05
        let tokensOfA = 400  // 20 s: A cannot end by itself while the test runs
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(
            honoursN: false, includesUsage: false, secondsPerToken: tokenInterval, servesOneAtATime: true
        )) { call in call.prompt == "A" ? words(tokensOfA) : "B" }
        let client = OpenAIClient(tier: tier(server), options: .localServer)
        let requestA = Task { try await client.generate(asking("A")) }
        #expect(try await eventually { (server.streams.first?.tokensSent ?? 0) >= 2 }, "A is mid-stream")
        requestA.cancel()
        let sentB = ContinuousClock.now
        let answerB = try await client.generate(asking("B"))
        let tookB = ContinuousClock.now - sentB
        #expect(answerB.texts == ["B"])
        await #expect(throws: CancellationError.self) { try await requestA.value }

        let streams = server.streams
        try #require(streams.count == 2, "A's and B's streams")
        #expect(!streams[0].completed && streams[0].tokensSent < tokensOfA, "A stopped at \(streams[0].tokensSent) tokens")
        let requestB = server.timings[streams[1].requestIndex]
        let firstTokenOfB = try #require(streams[1].firstTokenSentAt) - requestB.receivedAt
        print("StreamingTests: B's first token left the server \(firstTokenOfB) after B's request came; generate(B) returned after \(tookB) (one token: \(tokenInterval) s)")
        #expect(firstTokenOfB < closeAfterCancel + .milliseconds(Int64(tokenInterval * 1000)),
                "B's first token came \(firstTokenOfB) after B was sent")
        #expect(tookB < .milliseconds(Int64(Double(tokensOfA) * tokenInterval * 1000)), "B did not wait for A's whole answer")
    }

    /// The control for the test above: without streaming, the fake runs A's generation to its
    /// end although A's client has gone (as llama-cpp-python does), and B, sent meanwhile,
    /// waits for all of it. A takes 10 s so that B is sent early in it even when this test's
    /// task is starved for seconds (5 s seen on a loaded 2-core machine).
    @Test func withoutStreamingASupersededRequestHoldsTheOneAtATimeModelForItsWholeAnswer() async throws {
        let tokenInterval = 0.05
        let tokensOfA = 200
        let generationOfA = Duration.milliseconds(Int64(Double(tokensOfA) * tokenInterval * 1000))
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(
            honoursN: false, includesUsage: false, secondsPerToken: tokenInterval, servesOneAtATime: true
        )) { call in call.prompt == "A" ? words(tokensOfA) : "B" }
        let client = OpenAIClient(tier: tier(server), options: .init(sendsN: false, maxConcurrentCalls: 1, streams: false))
        let requestA = Task { try await client.generate(asking("A")) }
        #expect(try await eventually { server.requests.count == 1 }, "A is being generated")
        requestA.cancel()
        let answerB = try await client.generate(asking("B"))
        #expect(answerB.texts == ["B"])
        let timings = server.timings
        try #require(timings.count == 2)
        let generationOfAEnded = try #require(timings[0].servedFrom) + generationOfA
        try #require(timings[1].receivedAt < generationOfAEnded, "B was sent while A was still being generated")
        let servedB = try #require(timings[1].servedFrom)
        #expect(servedB >= generationOfAEnded, "B waited for all of A's answer: served \(servedB - timings[1].receivedAt) after it came")
        #expect(servedB - timings[1].receivedAt > closeAfterCancel + .milliseconds(Int64(tokenInterval * 1000)))
        #expect(server.streams.isEmpty)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct PlainHTTPStreamTests {
    private static let eventStreamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"

    /// sse-starlette's framing, with chunk and segment boundaries inside lines, inside a
    /// CRLF, and inside a two-byte character.
    @Test func aChunkedEventStreamSplitAnywhereIsParsed() async throws {
        let events = "data: {\"a\": \"é\"}\r\n\r\n: ping\r\n\r\ndata: [DONE]\r\n\r\n"
        let bytes = Array(events.utf8)
        let cuts = [3, 13, 14, 19, 20, 30, bytes.count]
        var pieces = [Array(Self.eventStreamHead.utf8)]
        var chunks: [UInt8] = []
        var from = 0
        for cut in cuts {
            chunks += Array("\(String(cut - from, radix: 16))\r\n".utf8) + bytes[from..<cut] + Array("\r\n".utf8)
            from = cut
        }
        chunks += Array("0\r\n\r\n".utf8)
        // TCP segments cut across the chunk framing too.
        for start in stride(from: 0, to: chunks.count, by: 11) {
            pieces.append(Array(chunks[start..<min(start + 11, chunks.count)]))
        }
        let server = try RawHTTPServer(bytePieces: pieces)
        let received = Received()
        let head = try await PlainHTTPClient.stream(HTTPRequest(url: server.url)) { _, piece in
            received.append(piece)
            return .readMore
        }
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        var parser = ServerSentEventParser()
        #expect(parser.feed(received.bytes) == [ServerSentEvent(data: "{\"a\": \"é\"}"), ServerSentEvent(data: "[DONE]")])
    }

    @Test func eachPieceArrivesAsItIsSentAndStoppingClosesTheConnection() async throws {
        // The server sends one event and then holds the connection open: only a client that
        // gets pieces as they arrive, and closes when told to stop, ever returns.
        let server = try RawHTTPServer(pieces: [Self.eventStreamHead, "c\r\ndata: first\n\r\n"], holdOpen: true)
        let head = try await PlainHTTPClient.stream(HTTPRequest(url: server.url)) { _, piece in
            piece.contains(UInt8(ascii: "\n")) ? .stopReading : .readMore
        }
        #expect(head.header("content-type") == "text/event-stream")
        #expect(try await eventually { server.clientClosed == 1 })
    }

    @Test func cancellingAStreamClosesTheSocketPromptly() async throws {
        let server = try RawHTTPServer(pieces: [Self.eventStreamHead, "c\r\ndata: first\n\r\n"], holdOpen: true)
        let received = Received()
        let task = Task {
            try await PlainHTTPClient.stream(HTTPRequest(url: server.url)) { _, piece in
                received.append(piece)
                return .readMore
            }
        }
        #expect(try await eventually { !received.bytes.isEmpty }, "mid-stream")
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await eventually { server.clientClosed == 1 })
        let took = try #require(server.clientClosedAt) - cancelled
        #expect(took < closeAfterCancel, "the socket closed \(took) after cancel()")
    }
}

/// Body bytes gathered on the I/O thread, read by the test.
private final class Received: Sendable {
    private let gathered = Mutex<[UInt8]>([])
    func append(_ piece: [UInt8]) { gathered.withLock { $0 += piece } }
    var bytes: [UInt8] { gathered.withLock { $0 } }
}

@Suite
struct ServerSentEventParserTests {
    @Test func anEventSplitAcrossReadsIsDispatchedOnceComplete() {
        var parser = ServerSentEventParser()
        let stream = Array("data: {\"text\": \"añb\"}\n\ndata: second\n\n".utf8)
        var events: [ServerSentEvent] = []
        for byte in stream {
            events += parser.feed([byte])  // one byte at a time: lines and "ñ" split
        }
        #expect(events == [ServerSentEvent(data: "{\"text\": \"añb\"}"), ServerSentEvent(data: "second")])
        var halves = ServerSentEventParser()
        #expect(halves.feed(Array("data: one".utf8)).isEmpty, "no blank line yet")
        #expect(halves.feed(Array("\n".utf8)).isEmpty)
        #expect(halves.feed(Array("\n".utf8)) == [ServerSentEvent(data: "one")])
    }

    @Test func crlfLfAndCrAllEndLinesEvenWhenACRLFIsSplit() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("data: a\r\n\r\ndata: b\n\ndata: c\r\r".utf8))
                == [ServerSentEvent(data: "a"), ServerSentEvent(data: "b"), ServerSentEvent(data: "c")])
        // CR at the end of one read, LF at the start of the next: one line end, not two.
        #expect(parser.feed(Array("data: d\r".utf8)).isEmpty)
        #expect(parser.feed(Array("\ndata: e\r".utf8)).isEmpty, "d and e are one event")
        #expect(parser.feed(Array("\n\r\n".utf8)) == [ServerSentEvent(data: "d\ne")])
    }

    @Test func commentsAndOtherFieldsAreSkippedAndMultiLineDataIsJoined() {
        var parser = ServerSentEventParser()
        let stream = ": ping - 2025-01-01 00:00:00\r\n\r\nid: 7\r\nretry: 100\r\nevent: update\r\ndata:one\r\ndata:  two\r\ndata\r\n\r\n"
        #expect(parser.feed(Array(stream.utf8)) == [ServerSentEvent(name: "update", data: "one\n two\n")])
    }

    @Test func theDoneMarkerIsAnEventOfItsOwn() {
        var parser = ServerSentEventParser()
        let events = parser.feed(Array("data: {\"choices\": []}\r\n\r\ndata: [DONE]\r\n\r\n".utf8))
        #expect(events.map(\.isDoneMarker) == [false, true])
    }

    @Test func dataWhoseBlankLineNeverCameIsDispatchedAtTheEnd() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("data: last".utf8)).isEmpty)
        #expect(parser.finish() == [ServerSentEvent(data: "last")])
        var empty = ServerSentEventParser()
        #expect(empty.feed(Array(": only a comment\n".utf8)).isEmpty)
        #expect(empty.finish().isEmpty)
    }
}

@Suite
struct CompletionStreamTests {
    private func chunk(_ index: Int, _ content: String) -> ServerSentEvent {
        ServerSentEvent(data: #"{"choices": [{"index": \#(index), "delta": {"content": "\#(content)"}}]}"#)
    }

    @Test func aStopSequenceSplitOverChunksCutsTheTextAndEndsASingleChoice() throws {
        var stream = CompletionStream(api: .chat, stops: ["\n```\n"], singleChoice: true)
        #expect(try stream.take(chunk(0, "code\\n`")))
        #expect(try stream.take(chunk(0, "``")))
        #expect(try stream.take(chunk(0, "\\nprose")) == false, "the stop sequence is complete")
        #expect(stream.texts == ["code"])
        #expect(stream.chunksWithText == 3)
    }

    @Test func withSeveralChoicesAStoppedChoiceIgnoresTheRestAndTheStreamGoesOn() throws {
        var stream = CompletionStream(api: .chat, stops: ["END"], singleChoice: false)
        #expect(try stream.take(chunk(1, "b END")))
        #expect(try stream.take(chunk(0, "a")))
        #expect(try stream.take(chunk(1, " more")))
        #expect(try stream.take(ServerSentEvent(data: #"{"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 9}}"#)))
        #expect(try stream.take(ServerSentEvent(data: "[DONE]")) == false)
        #expect(stream.texts == ["a", "b "])
        #expect(stream.chunksWithText == 2)
        #expect(stream.usage?.promptTokens == 5 && stream.usage?.completionTokens == 9)
    }
}
