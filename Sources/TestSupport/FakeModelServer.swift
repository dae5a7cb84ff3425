import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on 127.0.0.1 for tests: a kernel-chosen port, its own threads,
/// and a script that decides every answer.
///
/// Every connection is served on its own thread and closed after one response
/// (`Connection: close`), which URLSession handles like any server. Received requests are
/// recorded in order. Two ways to script it:
///
/// ```swift
/// // 1. A closure per request:
/// let server = try FakeModelServer { request in .json(#"{"ok": true}"#) }
/// // 2. A queue of canned responses, then the fallback for everything after:
/// let server = try FakeModelServer(queue: [.status(429, headers: ["Retry-After": "0"])],
///                                  then: { _ in .json(#"{"ok": true}"#) })
/// ```
/// For an OpenAI-compatible model see `FakeModelServer.openAI(...)`. With
/// `servesOneAtATime`, requests are read and recorded at once but answered one after the
/// other, as llama-cpp-python's server does. Event-stream answers are recorded in `streams`.
/// Call `stop()` when done (it is also called on deinit).
public final class FakeModelServer: Sendable {
    public typealias Handler = @Sendable (RecordedRequest) -> CannedResponse

    /// The port the kernel gave us.
    public let port: Int
    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// `http://127.0.0.1:PORT/v1`: what a tier's `endpoint` should be.
    public var endpoint: String { baseURL + "/v1" }

    private let listenFD: Int32
    private let state: Mutex<State>
    /// Held while answering when requests are served one at a time.
    private let oneAtATime: DispatchSemaphore?

    private struct State {
        var queue: [CannedResponse]
        var handler: Handler
        var requests: [RecordedRequest] = []
        var timings: [RequestTiming] = []
        var abortedByClient = 0
        var streams: [StreamRecord] = []
        var openConnections: Set<Int32> = []
        var stopped = false
    }

    /// Starts serving at once with `handler` answering every request.
    public convenience init(servesOneAtATime: Bool = false, handler: @escaping Handler) throws {
        try self.init(queue: [], then: handler, servesOneAtATime: servesOneAtATime)
    }

    /// Starts serving: the first requests get `queue` in order, later ones `then`.
    public init(queue: [CannedResponse], then handler: @escaping Handler = { _ in .status(404) }, servesOneAtATime: Bool = false) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FakeServerError.socket("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw FakeServerError.socket("bind/listen", code)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.listenFD = fd
        self.state = Mutex(State(queue: queue, handler: handler))
        self.oneAtATime = servesOneAtATime ? DispatchSemaphore(value: 1) : nil
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "FakeModelServer:\(port)"
        thread.start()
    }

    deinit { stop() }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// How many requests the client abandoned (closed the connection) while the server
    /// was still delaying its answer: proof that cancellation aborted the HTTP call.
    public var abortedByClient: Int { state.withLock { $0.abortedByClient } }

    /// When each request in `requests` came and when the server turned to it.
    public var timings: [RequestTiming] { state.withLock { $0.timings } }

    /// Every event-stream answer begun so far, in the order they began.
    public var streams: [StreamRecord] { state.withLock { $0.streams } }

    /// Appends canned responses to the queue.
    public func enqueue(_ responses: CannedResponse...) {
        state.withLock { $0.queue.append(contentsOf: responses) }
    }

    /// Replaces the closure that answers once the queue is empty.
    public func setHandler(_ handler: @escaping Handler) {
        state.withLock { $0.handler = handler }
    }

    /// Stops accepting, closes open connections; idempotent.
    public func stop() {
        let open: Set<Int32>? = state.withLock { state in
            if state.stopped { return nil }
            state.stopped = true
            let open = state.openConnections
            state.openConnections = []
            return open
        }
        guard let open else { return }
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listenFD, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let accepted = state.withLock { state in
                if state.stopped { return false }
                state.openConnections.insert(connection)
                return true
            }
            guard accepted else { close(connection); return }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            let wasOpen = state.withLock { $0.openConnections.remove(fd) != nil }
            if wasOpen { shutdown(fd, Int32(SHUT_RDWR)) }
            close(fd)
        }
        guard let request = HTTPRequestReader.read(from: fd) else { return }
        let (response, requestIndex): (CannedResponse, Int) = state.withLock { state in
            state.requests.append(request)
            state.timings.append(RequestTiming(receivedAt: .now))
            if !state.queue.isEmpty { return (state.queue.removeFirst(), state.requests.count - 1) }
            return (state.handler(request), state.requests.count - 1)
        }
        oneAtATime?.wait()
        defer { oneAtATime?.signal() }
        state.withLock { $0.timings[requestIndex].servedFrom = .now }
        if response.delaySeconds > 0 && !waitOrNoticeClientGone(fd, seconds: response.delaySeconds) {
            state.withLock { $0.abortedByClient += 1 }
            return
        }
        stayBusy(seconds: response.busySeconds)
        switch response.kind {
        case .dropConnection:
            return
        case .resetConnection:
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            return
        case .reply:
            writeAll(fd, response.serialized())
        case .eventStream:
            sendEventStream(fd, response, requestIndex: requestIndex)
        }
    }

    /// Sends `response.events` one by one, each after its wait, and stops as soon as the
    /// client closes the connection (as llama-cpp-python does with a streamed generation),
    /// recording how far it got.
    private func sendEventStream(_ fd: Int32, _ response: CannedResponse, requestIndex: Int) {
        let record = state.withLock { state in
            state.streams.append(StreamRecord(requestIndex: requestIndex, tokensPlanned: response.events.count(where: \.isToken)))
            return state.streams.count - 1
        }
        func update(_ change: (inout StreamRecord) -> Void) { state.withLock { change(&$0.streams[record]) } }
        guard writeAll(fd, response.serializedHead()) else { return update { $0.clientClosedAt = .now } }
        for event in response.events {
            if let closedAt = clientClosed(fd, waitingUpTo: event.secondsBefore) {
                return update { $0.clientClosedAt = closedAt }
            }
            if isStopped { return }
            guard writeAll(fd, CannedResponse.chunk(for: event)) else { return update { $0.clientClosedAt = .now } }
            if event.isToken {
                let sentAt = ContinuousClock.now
                update { record in
                    record.tokensSent += 1
                    if record.firstTokenSentAt == nil { record.firstTokenSentAt = sentAt }
                }
            }
        }
        guard writeAll(fd, CannedResponse.endOfChunks) else { return update { $0.clientClosedAt = .now } }
        update { $0.completed = true }
    }

    /// Waits up to `seconds` (looking at least once) for the client to close its side;
    /// returns when it did, or nil (also when the server stops). Bytes the client sends
    /// meanwhile are discarded.
    private func clientClosed(_ fd: Int32, waitingUpTo seconds: Double) -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        repeat {
            if isStopped { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remainingMs = ContinuousClock.now.duration(to: deadline) / .milliseconds(1)
            if poll(&descriptor, 1, Int32(max(0, min(50, remainingMs)).rounded(.up))) > 0 {
                var bytes = [UInt8](repeating: 0, count: 1024)
                let count = recv(fd, &bytes, bytes.count, Int32(MSG_DONTWAIT))
                if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { return .now }
            }
        } while ContinuousClock.now < deadline
        return nil
    }

    /// Sleeps `seconds` whatever the client does (ends early only when the server stops).
    private func stayBusy(seconds: Double) {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline && !isStopped { usleep(5_000) }
    }

    /// Sleeps up to `seconds`; returns false early when the client closed its side.
    private func waitOrNoticeClientGone(_ fd: Int32, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if isStopped { return false }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remainingMs = max(1, min(50, Int32(deadline.timeIntervalSinceNow * 1000)))
            let ready = poll(&descriptor, 1, remainingMs)
            if ready > 0 {
                var byte: UInt8 = 0
                let count = recv(fd, &byte, 1, Int32(MSG_PEEK))
                if count <= 0 { return false }
                // Pipelined bytes we don't serve: wait on without spinning.
                usleep(10_000)
            }
        }
        return true
    }

    /// False when the connection failed (the client has gone).
    @discardableResult
    private func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            guard var pointer = raw.baseAddress else { return true }
            var remaining = raw.count
            while remaining > 0 {
                let written = send(fd, pointer, remaining, Int32(MSG_NOSIGNAL))
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return false
                }
                pointer += written
                remaining -= written
            }
            return true
        }
    }
}

/// One event-stream answer as the fake sent it.
public struct StreamRecord: Sendable, Equatable {
    /// Its request's position in `FakeModelServer.requests` (and `timings`).
    public var requestIndex: Int
    /// Tokens in the whole answer.
    public var tokensPlanned: Int
    /// Tokens written to the connection before the answer ended or the client left.
    public var tokensSent = 0
    public var firstTokenSentAt: ContinuousClock.Instant?
    /// When the server saw the client close the connection mid-answer (it then stopped);
    /// nil while sending and after sending everything.
    public var clientClosedAt: ContinuousClock.Instant?
    /// Every event was sent.
    public var completed = false

    public init(requestIndex: Int, tokensPlanned: Int) {
        self.requestIndex = requestIndex
        self.tokensPlanned = tokensPlanned
    }
}

/// When the fake received one request and when it turned to it.
public struct RequestTiming: Sendable, Equatable {
    /// The request had been read.
    public var receivedAt: ContinuousClock.Instant
    /// The server began on it, after the requests ahead of it when it serves one at a time
    /// (then before its delay); nil while it waits.
    public var servedFrom: ContinuousClock.Instant?

    public init(receivedAt: ContinuousClock.Instant, servedFrom: ContinuousClock.Instant? = nil) {
        self.receivedAt = receivedAt
        self.servedFrom = servedFrom
    }
}

public enum FakeServerError: Error, CustomStringConvertible {
    case socket(String, Int32)

    public var description: String {
        switch self {
        case .socket(let call, let code):
            "FakeModelServer: \(call) failed: \(String(cString: strerror(code))); is the loopback interface up?"
        }
    }
}
