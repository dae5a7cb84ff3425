import Foundation
import JSONRPC
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small LSP client for tests: frames requests, awaits their answers, collects
/// notifications and answers the server's own requests.
///
/// It speaks over two file descriptors, so it drives an in-process server over pipes
/// just as well as a `cascade lsp` child process (`LSPTestClient.launch`). Reading happens
/// on a dedicated thread: a blocking read on the cooperative pool could starve the
/// very tasks a test awaits.
final class LSPTestClient: Sendable {
    /// How the client answers a request from the server; nil leaves it unanswered for good.
    typealias ServerRequestHandler = @Sendable (_ method: String, _ params: JSONValue?) -> Result<JSONValue, ResponseError>?

    private struct State: ~Copyable {
        var nextID = 1
        var answers: [RequestID: Result<JSONValue, ResponseError>] = [:]
        var answerWaiters: [RequestID: CheckedContinuation<Result<JSONValue, ResponseError>, Never>] = [:]
        var notifications: [JSONValue] = []
        var notificationWaiters: [(id: Int, method: String, predicate: @Sendable (JSONValue) -> Bool, continuation: CheckedContinuation<JSONValue?, Never>)] = []
        var nextWaiterID = 0
        /// Answers with `"id": null` (parse errors, invalid messages without an id).
        var anonymousErrors: [ResponseError] = []
        var anonymousWaiters: [CheckedContinuation<ResponseError?, Never>] = []
        var serverRequests: [(method: String, params: JSONValue?)] = []
        var ended = false
        var endWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let toServer: Int32
    private let fromServer: Int32
    private let handler: ServerRequestHandler
    private let state = Mutex(State())
    private let writeLock = Mutex(())

    /// Answers `window/workDoneProgress/create` with null and `workspace/applyEdit` with
    /// `{applied: true}`; anything else with -32601.
    static let defaultHandler: ServerRequestHandler = { method, _ in
        switch method {
        case "window/workDoneProgress/create": .success(.null)
        case "workspace/applyEdit": .success(["applied": true])
        default: .failure(ResponseError(.methodNotFound, "test client does not handle \(method)"))
        }
    }

    /// - Parameters:
    ///   - toServer: the server's stdin (write end).
    ///   - fromServer: the server's stdout (read end).
    init(toServer: Int32, fromServer: Int32, handler: @escaping ServerRequestHandler = LSPTestClient.defaultHandler) {
        self.toServer = toServer
        self.fromServer = fromServer
        self.handler = handler
        let thread = Thread { [self] in readLoop() }
        thread.name = "lsp-test-client.reader"
        thread.start()
    }

    /// Starts `executable` with pipes for stdin/stdout (stderr inherited) and a client on them.
    static func launch(executable: String, arguments: [String] = ["lsp"], environment: [String: String]? = nil,
                       handler: @escaping ServerRequestHandler = LSPTestClient.defaultHandler) throws -> (LSPTestClient, Process) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let client = LSPTestClient(
            toServer: dup(stdin.fileHandleForWriting.fileDescriptor),
            fromServer: dup(stdout.fileHandleForReading.fileDescriptor), handler: handler)
        try stdin.fileHandleForWriting.close()
        try stdout.fileHandleForReading.close()
        return (client, process)
    }

    // MARK: Sending

    /// Sends a request and waits for its answer.
    func request(_ method: String, _ params: JSONValue? = nil) async -> Result<JSONValue, ResponseError> {
        let id = send(method, params)
        return await answer(to: id)
    }

    /// Sends a request and returns its id without waiting.
    @discardableResult
    func send(_ method: String, _ params: JSONValue? = nil) -> RequestID {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return RequestID.int(state.nextID)
        }
        write(message: Message.request(id: id, method: method, params: params).json)
        return id
    }

    func notify(_ method: String, _ params: JSONValue? = nil) {
        write(message: Message.notification(method: method, params: params).json)
    }

    /// Writes one frame around `body` as given (for malformed bodies).
    func sendFrame(body: String) {
        sendRaw(Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
    }

    /// Writes bytes exactly as given (for malformed frames).
    func sendRaw(_ bytes: [UInt8]) {
        writeLock.withLock { _ in
            var offset = 0
            bytes.withUnsafeBytes { raw in
                while offset < raw.count {
                    let written = Glibc.write(toServer, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 { if errno == EINTR { continue }; return }
                    offset += written
                }
            }
        }
    }

    private func write(message: JSONValue) {
        let body = message.serialized()
        sendRaw(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    /// Closes the server's stdin (end of input).
    func closeInput() { close(toServer) }

    // MARK: Receiving

    func answer(to id: RequestID) async -> Result<JSONValue, ResponseError> {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<JSONValue, ResponseError>? in
                if let answer = state.answers[id] { return answer }
                if state.ended { return .failure(ResponseError(.internalError, "server closed its output")) }
                state.answerWaiters[id] = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The next answer with `"id": null` (parse errors and the like), nil if output ended.
    func nextAnonymousError() async -> ResponseError? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> ResponseError?? in
                if !state.anonymousErrors.isEmpty { return .some(state.anonymousErrors.removeFirst()) }
                if state.ended { return .some(nil) }
                state.anonymousWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Every notification with `method` received so far.
    func notifications(_ method: String) -> [JSONValue] {
        state.withLock { $0.notifications.filter { $0["method"]?.stringValue == method } }
    }

    var anonymousErrorCount: Int { state.withLock { $0.anonymousErrors.count } }

    /// Requests the server sent us, in order.
    var serverRequests: [(method: String, params: JSONValue?)] { state.withLock { $0.serverRequests } }

    /// Waits for a notification with `method` matching `predicate` (already received or not);
    /// returns its `params`, or nil if the server's output ended first.
    func waitForNotification(_ method: String, where predicate: @escaping @Sendable (JSONValue) -> Bool = { _ in true }) async -> JSONValue? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> JSONValue?? in
                if let found = state.notifications.first(where: { $0["method"]?.stringValue == method && predicate($0["params"] ?? .null) }) {
                    return .some(found["params"] ?? .null)
                }
                if state.ended { return .some(nil) }
                state.nextWaiterID += 1
                state.notificationWaiters.append((state.nextWaiterID, method, predicate, continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Waits until the server closes its output (it exited).
    func waitForEnd() async {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state in
                if !state.ended { state.endWaiters.append(continuation) }
                return state.ended
            }
            if ended { continuation.resume() }
        }
    }

    private func readLoop() {
        var parser = FrameParser()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(fromServer, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            for case .message(let body) in parser.append(chunk[0..<count]) {
                guard let json = try? JSONValue.parse(body), case .success(let message) = Message.classify(json) else {
                    if let json = try? JSONValue.parse(body), json["id"] == .null, let error = json["error"], let code = error["code"]?.intValue {
                        deliverAnonymous(ResponseError(ErrorCode(rawValue: code), error["message"]?.stringValue ?? ""))
                    }
                    continue
                }
                deliver(message, json: json)
            }
        }
        let waiters = state.withLock { state in
            state.ended = true
            defer {
                state.answerWaiters.removeAll()
                state.notificationWaiters.removeAll()
                state.anonymousWaiters.removeAll()
                state.endWaiters.removeAll()
            }
            return (Array(state.answerWaiters.values), state.notificationWaiters.map(\.continuation), state.anonymousWaiters, state.endWaiters)
        }
        for waiter in waiters.0 { waiter.resume(returning: .failure(ResponseError(.internalError, "server closed its output"))) }
        for waiter in waiters.1 { waiter.resume(returning: nil) }
        for waiter in waiters.2 { waiter.resume(returning: nil) }
        for waiter in waiters.3 { waiter.resume() }
        close(fromServer)
    }

    private func deliverAnonymous(_ error: ResponseError) {
        let waiter = state.withLock { state -> CheckedContinuation<ResponseError?, Never>? in
            if !state.anonymousWaiters.isEmpty { return state.anonymousWaiters.removeFirst() }
            state.anonymousErrors.append(error)
            return nil
        }
        waiter?.resume(returning: error)
    }

    private func deliver(_ message: Message, json: JSONValue) {
        switch message {
        case .response(let id, let result):
            let waiter = state.withLock { state in
                state.answers[id] = result
                return state.answerWaiters.removeValue(forKey: id)
            }
            waiter?.resume(returning: result)
        case .notification(let method, let params):
            let ready = state.withLock { state in
                state.notifications.append(json)
                var matched: [CheckedContinuation<JSONValue?, Never>] = []
                state.notificationWaiters.removeAll { waiter in
                    guard waiter.method == method, waiter.predicate(params ?? .null) else { return false }
                    matched.append(waiter.continuation)
                    return true
                }
                return matched
            }
            for waiter in ready { waiter.resume(returning: params ?? .null) }
        case .request(let id, let method, let params):
            state.withLock { $0.serverRequests.append((method, params)) }
            if let result = handler(method, params) { write(message: Message.response(id: id, result: result).json) }
        }
    }
}
