import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 client over a POSIX socket, for `http://` endpoints only.
///
/// Why not URLSession: corelibs URLSession traps (SIGILL in `_MultiHandle.endOperation`)
/// when a cancelled request's teardown finds its socket in an unexpected state — seen when
/// superseded completions were cancelled, which an editor does all the time. (The trigger
/// found was a double `close` elsewhere in the process, now fixed, but we want no
/// libcurl/dispatch teardown on the cancellation path at all.) Here every request runs on
/// its own thread, blocking only in `poll` on the socket plus a wake socket pair;
/// cancellation resumes the caller with `CancellationError` at once and writes one byte to
/// the pair, so the thread wakes and closes its socket itself (no other thread touches its
/// descriptors). One request per connection (`Connection: close`); the body may be framed
/// by Content-Length, chunked encoding, or connection close, and taken whole (`send`) or as
/// it arrives (`stream`, for server-sent events). No TLS: `https://` stays with
/// URLSession (`HTTPTransport`). `http_proxy` is not honoured (local servers need none).
public enum PlainHTTPClient {
    /// Sends `request` and returns the whole response.
    ///
    /// Throws `CancellationError` promptly when the task is cancelled, `HTTPTransportError`
    /// for transport failures (`.timedOut` once `timeoutSeconds` have passed).
    /// A body past `maxBodyBytes` throws `HTTPTransportError.responseTooLarge`, read no further.
    public static func send(_ request: HTTPRequest, timeoutSeconds: Double? = nil, maxBodyBytes: Int = .max) async throws -> HTTPResponse {
        try await exchange(request, timeoutSeconds: timeoutSeconds) { connection in
            try HTTPResponseReader.read(from: connection, method: request.method, maxBodyBytes: maxBodyBytes)
        }
    }

    /// What a streaming consumer wants after each piece of the body.
    public enum BodyControl: Sendable {
        case readMore
        /// "I have what I need": the connection is closed at once, the rest never read.
        case stopReading
    }

    /// Sends `request` and hands the body to `onBody` piece by piece as it arrives
    /// (de-chunked, in arrival-sized pieces), together with the response head; returns the
    /// head (empty `body`) once the body has ended or `onBody` said `.stopReading`.
    ///
    /// `onBody` runs on the request's I/O thread, one call at a time, all of them before this
    /// returns (after a cancellation one may still be finishing). Cancellation and timeouts
    /// behave as in `send`: the caller resumes with `CancellationError` at once and the I/O
    /// thread closes the socket, so a server that streams notices the client has gone.
    /// Errors thrown by `onBody` end the request and are rethrown.
    public static func stream(
        _ request: HTTPRequest, timeoutSeconds: Double? = nil,
        onBody: @escaping @Sendable (_ head: HTTPResponse, _ piece: [UInt8]) throws -> BodyControl
    ) async throws -> HTTPResponse {
        try await exchange(request, timeoutSeconds: timeoutSeconds) { connection in
            let head = try HTTPResponseReader.readHead(from: connection)
            try HTTPResponseReader.readBody(from: connection, head: head, method: request.method) { piece in
                try onBody(head, piece) == .readMore
            }
            return head
        }
    }

    /// Runs one request on its own thread: connect, send, then `read` the answer.
    private static func exchange(
        _ request: HTTPRequest, timeoutSeconds: Double?,
        read: @escaping @Sendable (SocketConnection) throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        let target = try Target(request.url)
        let head = requestBytes(request, target: target)
        let deadline = timeoutSeconds.map { ContinuousClock.now + .milliseconds(Int64(max(0, $0) * 1000)) }
        let exchange = try Exchange()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                guard exchange.adopt(continuation) else { return }  // cancelled already: resumed
                let thread = Thread {
                    exchange.finish(with: exchange.run(target: target, bytes: head, deadline: deadline, read: read))
                }
                thread.name = "cascade-http"
                thread.stackSize = 256 * 1024
                thread.start()
            }
        } onCancel: {
            exchange.cancel()
        }
    }

    /// Host, port and request target of an `http://` URL.
    struct Target: Sendable {
        var host: String
        var port: Int
        var hostHeader: String
        var path: String

        init(_ url: URL) throws {
            guard url.scheme?.lowercased() == "http",
                  let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
                  var host = components.host, !host.isEmpty
            else { throw HTTPTransportError.badURL(url.absoluteString) }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self.host = host
            self.port = components.port ?? 80
            let shownHost = host.contains(":") ? "[\(host)]" : host
            self.hostHeader = components.port.map { "\(shownHost):\($0)" } ?? shownHost
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            self.path = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
        }
    }

    static func requestBytes(_ request: HTTPRequest, target: Target) -> [UInt8] {
        let managed: Set<String> = ["host", "content-length", "connection"]
        var head = "\(request.method) \(target.path) HTTP/1.1\r\nHost: \(target.hostHeader)\r\n"
        for (name, value) in request.headers where !managed.contains(name.lowercased()) {
            head += "\(name): \(value)\r\n"
        }
        if let body = request.body {
            head += "Content-Length: \(body.count)\r\n"
        } else if request.method != "GET" && request.method != "HEAD" {
            head += "Content-Length: 0\r\n"
        }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + (request.body.map { Array($0) } ?? [])
    }
}

/// One request's shared state between the calling task (which may cancel) and the thread
/// that does the I/O. The wake pair (an AF_UNIX socketpair: created close-on-exec
/// atomically, so a concurrent fork never inherits it) is closed only after the thread is
/// done and no canceller can write to it any more (both under the same lock).
private final class Exchange: Sendable {
    private struct State {
        var cancelled = false
        /// The I/O thread is done and the wake pair is closed.
        var finished = false
        /// Whoever takes it resumes it: the I/O thread with its result, or `cancel()` at once
        /// with `CancellationError` (so a blocking DNS lookup cannot delay a cancellation;
        /// the thread still closes its own descriptors when it gets there).
        var continuation: CheckedContinuation<HTTPResponse, Error>?
    }
    private let state = Mutex(State())
    /// Polled by the I/O thread.
    private let wakeReadFD: Int32
    /// Written by `cancel()`.
    private let wakeWriteFD: Int32

    init() throws {
        var pair: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        guard socketpair(AF_UNIX, type, 0, &pair) == 0 else {
            throw HTTPTransportError.other("socketpair failed: \(String(cString: strerror(errno))) — too many open files?")
        }
        wakeReadFD = pair[0]
        wakeWriteFD = pair[1]
    }

    private func closeWakePair() {
        Glibc.close(wakeReadFD)
        Glibc.close(wakeWriteFD)
    }

    deinit {
        // Normally closed by `run`; this covers an exchange whose thread never started.
        state.withLock { state in
            if !state.finished { state.finished = true; closeWakePair() }
        }
    }

    /// Keeps the caller's continuation; false (after resuming it) when already cancelled.
    func adopt(_ continuation: CheckedContinuation<HTTPResponse, Error>) -> Bool {
        let cancelled = state.withLock { state in
            if !state.cancelled { state.continuation = continuation }
            return state.cancelled
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    /// Wakes the I/O thread and resumes the caller with `CancellationError` now.
    func cancel() {
        let continuation = state.withLock { state -> CheckedContinuation<HTTPResponse, Error>? in
            guard !state.cancelled else { return nil }
            state.cancelled = true
            if !state.finished {
                var one: UInt8 = 1
                _ = send(wakeWriteFD, &one, 1, Int32(MSG_NOSIGNAL))
            }
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(throwing: CancellationError())
    }

    /// Resumes the caller with the I/O thread's result unless `cancel()` already did.
    func finish(with result: Result<HTTPResponse, Error>) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result)
    }

    private var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Runs on the request's own thread: connect, send, read, close — then releases the wake pair.
    func run(
        target: PlainHTTPClient.Target, bytes: [UInt8], deadline: ContinuousClock.Instant?,
        read: (SocketConnection) throws -> HTTPResponse
    ) -> Result<HTTPResponse, Error> {
        let connection = SocketConnection(wakeFD: wakeReadFD, deadline: deadline) { [self] in isCancelled }
        let result: Result<HTTPResponse, Error>
        do {
            try connection.connect(host: target.host, port: target.port)
            try connection.sendAll(bytes)
            result = .success(try read(connection))
        } catch SocketInterruption.cancelled {
            result = .failure(CancellationError())
        } catch SocketInterruption.timedOut {
            result = .failure(isCancelled ? CancellationError() : HTTPTransportError.timedOut)
        } catch {
            result = .failure(isCancelled ? CancellationError() : error)
        }
        connection.close()
        state.withLock { state in
            if !state.finished { state.finished = true; closeWakePair() }
        }
        return result
    }
}
