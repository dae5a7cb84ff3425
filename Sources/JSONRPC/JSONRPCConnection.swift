import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A JSON-RPC 2.0 peer over two file descriptors, with `Content-Length` framing.
///
/// A dedicated thread reads and frames input; requests and notifications come out of
/// `incoming` in arrival order; answers to our own requests resolve `request(_:params:)`
/// directly. Everything written goes through one serial queue, so frames never
/// interleave and leave in the order they were sent. Malformed input is answered here
/// (-32700, -32600) and never reaches `incoming`.
public final class JSONRPCConnection: Sendable {
    /// A request or notification from the peer, its params as they arrived (decoded once,
    /// by the receiver, into the type the method names).
    public enum Incoming: Sendable, Equatable {
        case request(id: RequestID, method: String, params: RawJSON?)
        case notification(method: String, params: RawJSON?)
    }

    /// Requests and notifications from the peer; finishes at end of input.
    public let incoming: AsyncStream<Incoming>

    private let inputFD: Int32
    private let outputFD: Int32
    private let continuation: AsyncStream<Incoming>.Continuation
    private let writer = DispatchQueue(label: "jsonrpc.writer")
    private let state = Mutex(State())
    private let log: @Sendable (String) -> Void

    private struct State: ~Copyable {
        var nextID = 1
        var awaiting: [RequestID: CheckedContinuation<JSONValue, any Error>] = [:]
        var started = false
        var closed = false
        var outputBroken = false
    }

    /// - Parameters:
    ///   - inputFD: read until end of file; not closed by the connection.
    ///   - outputFD: frames are written here; not closed by the connection.
    ///   - log: where diagnostics go (stderr by default, never the output).
    public init(inputFD: Int32, outputFD: Int32, log: @escaping @Sendable (String) -> Void = JSONRPCConnection.logToStandardError) {
        self.inputFD = inputFD
        self.outputFD = outputFD
        self.log = log
        (incoming, continuation) = AsyncStream<Incoming>.makeStream(bufferingPolicy: .unbounded)
    }

    public static let logToStandardError: @Sendable (String) -> Void = { line in
        let bytes = Array(("cascade-lsp: " + line + "\n").utf8)
        bytes.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Starts the reader thread; call once.
    public func start() {
        let alreadyStarted = state.withLock { state in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { return }
        let thread = Thread { [self] in readLoop() }
        thread.name = "jsonrpc.reader"
        // Parsing recurses once per nesting level, bounded by `JSONParser.maximumDepth`;
        // an unoptimised build uses about 2.5 KB a level.
        thread.stackSize = 4 << 20
        thread.start()
    }

    // MARK: Sending

    /// Sends a notification.
    public func notify(_ method: String, _ params: JSONValue? = nil) {
        send(Message.notification(method: method, params: params).json)
    }

    /// Answers a request; callers make sure each id is answered once.
    public func reply(to id: RequestID?, _ result: Result<JSONValue, ResponseError>) {
        send(Message.responseJSON(id: id, result: result))
    }

    /// Sends a request to the peer and waits for its answer.
    /// - Throws: the peer's `ResponseError`; `ResponseError.cancelled` when input ends first
    ///   or the calling task is cancelled.
    public func request(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return RequestID.string("cascade-\(state.nextID)")
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, any Error>) in
                let closed = state.withLock { state in
                    if state.closed || Task.isCancelled { return true }
                    state.awaiting[id] = continuation
                    return false
                }
                if closed {
                    continuation.resume(throwing: ResponseError.cancelled("connection closed before '\(method)' was sent"))
                    return
                }
                send(Message.request(id: id, method: method, params: params).json)
            }
        } onCancel: {
            let waiting = state.withLock { $0.awaiting.removeValue(forKey: id) }
            waiting?.resume(throwing: ResponseError.cancelled("'\(method)' was cancelled"))
        }
    }

    /// Writes one message as a frame, after every message sent before it.
    public func send(_ message: JSONValue) {
        sendFrame(body: message.serialized())
    }

    /// Writes a pre-serialized body as one frame (tests use this for raw bytes too).
    public func sendFrame(body: [UInt8]) {
        var header = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        header.append(contentsOf: body)
        let frame = header
        writer.async { [self] in writeAll(frame) }
    }

    /// Waits until every frame sent so far has been written.
    public func flush() {
        writer.sync {}
    }

    private func writeAll(_ bytes: [UInt8]) {
        if state.withLock({ $0.outputBroken }) { return }
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let written = write(outputFD, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    state.withLock { $0.outputBroken = true }
                    log("output closed (\(reason)); further messages are dropped")
                    return
                }
                offset += written
            }
        }
    }

    // MARK: Reading

    private func readLoop() {
        var parser = FrameParser()
        let chunkSize = 1 << 16
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            let count = read(inputFD, chunk.baseAddress, chunkSize)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            for event in parser.append(UnsafeRawBufferPointer(rebasing: chunk[0..<count])) {
                switch event {
                case .message(let body): handle(body: body)
                case .framingError(let reason):
                    log("framing error: \(reason)")
                    reply(to: nil, .failure(ResponseError(.parseError, reason)))
                }
            }
        }
        finishInput()
    }

    private func handle(body: [UInt8]) {
        let json: JSONValue
        let rawParams: RawJSON?
        do {
            (json, rawParams) = try JSONParser.parseMessage(body)
        } catch {
            log("parse error: \(error)")
            reply(to: nil, .failure(ResponseError(.parseError, "\(error); each frame must hold one JSON object")))
            return
        }
        switch Message.classify(json) {
        case .failure(let invalid):
            log("invalid message: \(invalid.error.message)")
            reply(to: invalid.id, .failure(invalid.error))
        case .success(.request(let id, let method, _)):
            continuation.yield(.request(id: id, method: method, params: rawParams))
        case .success(.notification(let method, _)):
            continuation.yield(.notification(method: method, params: rawParams))
        case .success(.response(let id, let result)):
            let waiting = state.withLock { $0.awaiting.removeValue(forKey: id) }
            guard let waiting else {
                log("response to unknown request \(id) ignored")
                return
            }
            switch result {
            case .success(let value): waiting.resume(returning: value)
            case .failure(let error): waiting.resume(throwing: error)
            }
        }
    }

    private func finishInput() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.awaiting.removeAll() }
            return Array(state.awaiting.values)
        }
        for continuation in waiting {
            continuation.resume(throwing: ResponseError.cancelled("input ended before the answer arrived"))
        }
        continuation.finish()
    }
}
