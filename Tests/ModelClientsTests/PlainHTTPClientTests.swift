import Foundation
import ModelClients
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Open descriptors of this process right now.
private func openFileDescriptors() -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count
}

/// How many of this process's descriptors are TCP sockets connected to `port` on the
/// remote side: the client ends of connections to a server on that port. Exact even while
/// other tests open descriptors in parallel.
private func clientSockets(toPort port: Int) -> Int {
    var inodes: Set<String> = []
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
        var link = [CChar](repeating: 0, count: 256)
        let length = readlink("/proc/self/fd/\(entry)", &link, link.count - 1)
        guard length > 0 else { continue }
        let target = String(decoding: link[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard target.hasPrefix("socket:[") else { continue }
        inodes.insert(String(target.dropFirst("socket:[".count).dropLast()))
    }
    var count = 0
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        // /proc files report size 0, so read to the end rather than by size.
        guard let handle = FileHandle(forReadingAtPath: table), let data = try? handle.readToEnd() else { continue }
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 9, let remotePort = fields[2].split(separator: ":").last.flatMap({ Int($0, radix: 16) }) else { continue }
            if remotePort == port && inodes.contains(String(fields[9])) { count += 1 }
        }
    }
    return count
}

/// Threads of this process right now.
private func threadCount() -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).count
}

/// From `cancel()` to the socket's close as the server sees it (measured on threads, not on
/// the busy cooperative pool): microseconds of work, typically 3-20 ms seen. Far below the
/// servers' 10 s delays (the socket was closed, not waited out); loose because the whole
/// suite shares 2 cores with compilers and other suites.
private let promptCancellation = Duration.seconds(2)

@Suite(.timeLimit(.minutes(1)))
struct PlainHTTPClientTests {
    @Test func contentLengthResponseWithHeadersAndJSONBody() async throws {
        let server = try FakeModelServer { _ in .json(#"{"ok": true}"#, headers: ["Retry-After": "7"]) }
        var request = HTTPRequest(method: "POST", url: URL(string: server.endpoint + "/chat/completions")!, body: Data(#"{"a":1}"#.utf8))
        request.setHeader("Content-Type", "application/json")
        request.setHeader("Authorization", "Bearer k")
        let response = try await PlainHTTPClient.send(request)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"ok": true}"#)
        #expect(response.header("retry-after") == "7")
        #expect(response.header("CONTENT-TYPE") == "application/json")
        let recorded = try #require(server.requests.first)
        #expect(recorded.method == "POST")
        #expect(recorded.path == "/v1/chat/completions")
        #expect(recorded.header("Host") == "127.0.0.1:\(server.port)")
        #expect(recorded.header("Content-Length") == "7")
        #expect(recorded.header("Authorization") == "Bearer k")
        #expect(recorded.bodyText == #"{"a":1}"#)
    }

    @Test func chunkedResponseIsReassembled() async throws {
        let server = try RawHTTPServer(pieces: [
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\ncontent-type: application/json\r\n\r\n",
            "6\r\n{\"data\r\n",
            "a;ext=1\r\n\": [{\"id\":\r\n",
            "6\r\n \"m\"}]\r\n8\r\n}       \r\n0\r\nX-Trailer: yes\r\n\r\n",
        ])
        let response = try await PlainHTTPClient.send(HTTPRequest(url: server.url))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"data": [{"id": "m"}]}       "#)
    }

    @Test func responseWithoutLengthEndsWhenTheServerCloses() async throws {
        let server = try RawHTTPServer(pieces: ["HTTP/1.0 503 Service Unavailable\r\nRetry-After: 2\r\n\r\nbusy ", "now"])
        let response = try await PlainHTTPClient.send(HTTPRequest(url: server.url))
        #expect(response.status == 503)
        #expect(response.header("Retry-After") == "2")
        #expect(String(decoding: response.body, as: UTF8.self) == "busy now")
    }

    @Test func interimContinueIsSkipped() async throws {
        let server = try RawHTTPServer(pieces: ["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"])
        let response = try await PlainHTTPClient.send(HTTPRequest(url: server.url))
        #expect(response.status == 200)
        #expect(response.body == Data("ok".utf8))
    }

    @Test func aBodyCutShortIsAConnectionLoss() async throws {
        let server = try RawHTTPServer(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"])
        await #expect(throws: HTTPTransportError.connectionLost("the server closed after 10 of 100 body bytes")) {
            try await PlainHTTPClient.send(HTTPRequest(url: server.url))
        }
        let garbage = try RawHTTPServer(pieces: ["SSH-2.0-OpenSSH\r\n"])
        await #expect(throws: HTTPTransportError.self) { try await PlainHTTPClient.send(HTTPRequest(url: garbage.url)) }
    }

    @Test func resetAndDropBeforeAnswerAreConnectionLosses() async throws {
        let server = try FakeModelServer(queue: [.resetConnection, .dropConnection])
        for _ in 0..<2 {
            do {
                _ = try await PlainHTTPClient.send(HTTPRequest(url: URL(string: server.baseURL + "/x")!))
                Issue.record("expected a connection loss")
            } catch let error as HTTPTransportError {
                guard case .connectionLost = error else { Issue.record("got \(error)"); continue }
            }
        }
    }

    @Test func nothingListeningIsCannotConnect() async throws {
        let port = try { let server = try FakeModelServer { _ in .status(200) }; server.stop(); return server.port }()
        do {
            _ = try await PlainHTTPClient.send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/models")!))
            Issue.record("expected cannotConnect")
        } catch let error as HTTPTransportError {
            guard case .cannotConnect = error else { Issue.record("got \(error)"); return }
        }
    }

    @Test func localhostReachesAnIPv4OnlyServer() async throws {
        let server = try FakeModelServer { _ in .json("[]") }
        let response = try await PlainHTTPClient.send(HTTPRequest(url: URL(string: "http://localhost:\(server.port)/v1/models")!))
        #expect(response.status == 200)
        #expect(server.requests.first?.header("Host") == "localhost:\(server.port)")
    }

    @Test func theTransportTimeoutFiresWhileTheServerIsSilent() async throws {
        let server = try FakeModelServer { _ in CannedResponse.json("{}").delayed(by: 30) }
        let started = ContinuousClock.now
        await #expect(throws: HTTPTransportError.timedOut) {
            try await PlainHTTPClient.send(HTTPRequest(url: URL(string: server.endpoint + "/models")!), timeoutSeconds: 0.2)
        }
        #expect(ContinuousClock.now - started < .seconds(15), "ended by the 0.2 s timeout, not the server's 30 s answer")
        #expect(try await eventually { server.abortedByClient == 1 })
    }

    @Test func cancellationWhileWaitingForTheAnswerAbortsTheRequestAndFreesItsSocket() async throws {
        let server = try FakeModelServer(queue: [.json("{}")], then: { _ in CannedResponse.json("{}").delayed(by: 10) })
        // Warm-up, so lazily created threads and descriptors exist before the baseline.
        _ = try await PlainHTTPClient.send(HTTPRequest(url: URL(string: server.baseURL + "/warm")!))
        let descriptorsBefore = openFileDescriptors()
        let task = Task { try await PlainHTTPClient.send(HTTPRequest(url: URL(string: server.endpoint + "/models")!)) }
        #expect(try await eventually { server.requests.count == 2 })
        // The warm-up's socket may still be closing on a loaded machine: wait for it to go.
        #expect(try await eventually { clientSockets(toPort: server.port) == 1 }, "the in-flight request's socket is seen")
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await eventually { server.abortedByClient == 1 })
        #expect(clientSockets(toPort: server.port) == 0)
        // Other tests run in parallel in this process, so the total only gets a tolerance.
        #expect(try await eventually { openFileDescriptors() < descriptorsBefore + 10 }, "descriptors: \(openFileDescriptors()) vs \(descriptorsBefore)")
    }

    /// Cancels a request whose server holds the connection open after sending `pieces`, and
    /// returns how long after `cancel()` the server saw the client's socket close.
    private func socketCloseDelayAfterCancelling(pieces: [String]) async throws -> Duration {
        let server = try RawHTTPServer(pieces: pieces, holdOpen: true)
        let task = Task { try await PlainHTTPClient.send(HTTPRequest(url: server.url)) }
        // The request is in and the pieces are out: the client now sits in poll.
        #expect(try await eventually { server.requestsServed == 1 })
        #expect(server.clientClosed == 0)
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await eventually { server.clientClosed == 1 })
        return try #require(server.clientClosedAt) - cancelled
    }

    @Test func cancellationBeforeTheStatusLineClosesTheSocketPromptly() async throws {
        let took = try await socketCloseDelayAfterCancelling(pieces: [])
        print("PlainHTTPClient: socket closed \(took) after cancelling (waiting for the answer)")
        #expect(took < promptCancellation, "the socket closed \(took) after cancel()")
    }

    @Test func cancellationInTheMiddleOfTheBodyClosesTheSocketPromptly() async throws {
        let took = try await socketCloseDelayAfterCancelling(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", "the first part"])
        print("PlainHTTPClient: socket closed \(took) after cancelling (mid-body)")
        #expect(took < promptCancellation, "the socket closed \(took) after cancel()")
    }

    @Test func twoHundredRequestsLeakNoDescriptorOrThread() async throws {
        let server = try FakeModelServer { request in .json(#"{"path": "\#(request.path)"}"#) }
        let url = URL(string: server.endpoint + "/models")!
        _ = try await PlainHTTPClient.send(HTTPRequest(url: url))
        #expect(try await eventually { server.requests.count == 1 })
        let descriptorsBefore = openFileDescriptors()
        let threadsBefore = threadCount()
        for index in 0..<200 {
            let response = try await PlainHTTPClient.send(HTTPRequest(method: "POST", url: url, body: Data("\(index)".utf8)))
            #expect(response.status == 200)
        }
        // A few cancelled ones too: they must clean up as well.
        for _ in 0..<10 {
            let task = Task { try await PlainHTTPClient.send(HTTPRequest(url: URL(string: server.baseURL + "/slow")!)) }
            task.cancel()
            _ = await task.result
        }
        // A cancelled caller resumes at once; its I/O thread closes the socket when it wakes.
        #expect(try await eventually { clientSockets(toPort: server.port) == 0 }, "sockets: \(clientSockets(toPort: server.port))")
        // A leak would show as hundreds (a socket and a wake pair per request, a thread each);
        // other tests running in parallel in this process only account for a few.
        #expect(try await eventually { openFileDescriptors() < descriptorsBefore + 20 }, "descriptors: \(openFileDescriptors()) vs \(descriptorsBefore)")
        #expect(try await eventually { threadCount() < threadsBefore + 20 }, "threads: \(threadCount()) vs \(threadsBefore)")
    }

    @Test func httpsIsLeftToURLSessionAndOtherSchemesAreRefused() async throws {
        await #expect(throws: HTTPTransportError.badURL("ftp://example.invalid/x")) {
            try await HTTPTransport.send(HTTPRequest(url: URL(string: "ftp://example.invalid/x")!))
        }
        await #expect(throws: HTTPTransportError.badURL("https://example.invalid/x")) {
            try await PlainHTTPClient.send(HTTPRequest(url: URL(string: "https://example.invalid/x")!))
        }
    }
}
