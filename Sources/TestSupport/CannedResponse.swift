import Foundation

/// What the fake server does with one request: answer, stream events, drop or reset the
/// connection, optionally after a delay.
public struct CannedResponse: Sendable {
    public enum Kind: Sendable {
        case reply, dropConnection, resetConnection
        /// `events` one by one as server-sent events, chunked, each `data: …\r\n\r\n` in its
        /// own chunk (the framing of sse-starlette, behind llama-cpp-python's server).
        case eventStream
    }

    public var kind: Kind
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    /// `.eventStream`: what is sent, in order.
    public var events: [StreamedEvent]
    /// Seconds to wait before answering; the server notices a client that gives up meanwhile.
    public var delaySeconds: Double
    /// Seconds the server stays busy after `delaySeconds` even when the client has gone: a
    /// non-streamed generation, which llama-cpp-python runs to its end.
    public var busySeconds: Double

    public init(
        status: Int = 200, headers: [String: String] = [:], body: Data = Data(), events: [StreamedEvent] = [],
        delaySeconds: Double = 0, busySeconds: Double = 0, kind: Kind = .reply
    ) {
        self.kind = kind
        self.status = status
        self.headers = headers
        self.body = body
        self.events = events
        self.delaySeconds = delaySeconds
        self.busySeconds = busySeconds
    }

    /// A JSON body given as text (sent verbatim, so malformed JSON is possible on purpose).
    public static func json(_ text: String, status: Int = 200, headers: [String: String] = [:], delaySeconds: Double = 0) -> CannedResponse {
        var all = headers
        all["Content-Type"] = "application/json"
        return CannedResponse(status: status, headers: all, body: Data(text.utf8), delaySeconds: delaySeconds)
    }

    /// A JSON body encoded from a value.
    public static func json<T: Encodable>(encoding value: T, status: Int = 200, delaySeconds: Double = 0) -> CannedResponse {
        let data = (try? JSONEncoder().encode(value)) ?? Data("null".utf8)
        return CannedResponse(status: status, headers: ["Content-Type": "application/json"], body: data, delaySeconds: delaySeconds)
    }

    /// A bare status with a small JSON error body.
    public static func status(_ code: Int, headers: [String: String] = [:], message: String? = nil) -> CannedResponse {
        let text = message ?? "fake status \(code)"
        let escaped = String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
        return .json(#"{"error": {"message": \#(escaped), "code": \#(code)}}"#, status: code, headers: headers)
    }

    /// A `text/event-stream` answer sending `events`, then the end of the chunked body.
    public static func eventStream(_ events: [StreamedEvent], delaySeconds: Double = 0) -> CannedResponse {
        CannedResponse(headers: ["Content-Type": "text/event-stream; charset=utf-8"], events: events, delaySeconds: delaySeconds, kind: .eventStream)
    }

    /// Closes the connection without a byte of response.
    public static let dropConnection = CannedResponse(kind: .dropConnection)
    /// Resets the connection (TCP RST) without a response.
    public static let resetConnection = CannedResponse(kind: .resetConnection)

    /// Returns a copy answered only after `seconds`.
    public func delayed(by seconds: Double) -> CannedResponse {
        var copy = self
        copy.delaySeconds = seconds
        return copy
    }

    func serialized() -> Data {
        serializedHead() + body
    }

    /// Status line and headers; an event stream is chunked, anything else has a length.
    func serializedHead() -> Data {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        var all = headers
        if kind == .eventStream {
            all["Transfer-Encoding"] = "chunked"
            all["Cache-Control"] = "no-store"
        } else {
            all["Content-Length"] = String(body.count)
        }
        all["Connection"] = "close"
        for (name, value) in all.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Data(head.utf8)
    }

    /// One event as one chunk of the chunked body.
    static func chunk(for event: StreamedEvent) -> Data {
        let text = "data: \(event.data)\r\n\r\n"
        return Data("\(String(text.utf8.count, radix: 16))\r\n\(text)\r\n".utf8)
    }

    /// The last chunk of a chunked body.
    static let endOfChunks = Data("0\r\n\r\n".utf8)

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// One `data:` event of a streamed answer.
public struct StreamedEvent: Sendable, Equatable {
    /// One line of text (a JSON chunk, or `[DONE]`).
    public var data: String
    /// Seconds to wait before sending it: the time the model takes to generate a token.
    public var secondsBefore: Double
    /// Whether it carries a generated token (counted in `StreamRecord.tokensSent`).
    public var isToken: Bool

    public init(data: String, secondsBefore: Double = 0, isToken: Bool = false) {
        self.data = data
        self.secondsBefore = secondsBefore
        self.isToken = isToken
    }
}
