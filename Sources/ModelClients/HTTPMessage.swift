import Foundation

/// One HTTP request as both transports (our socket client and URLSession) take it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    /// Header names as given; `Host`, `Content-Length` and `Connection` are added by the transport.
    public var headers: [(name: String, value: String)]
    public var body: Data?

    public init(method: String = "GET", url: URL, headers: [(name: String, value: String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Replaces any header of that name (case-insensitive).
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append((name, value))
    }
}

/// A complete HTTP response: status, headers, de-framed body.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Lower-cased names; repeated headers joined with ", ".
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { "\($0), \($1)" })
        self.body = body
    }

    /// The header's value, looked up case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Why an HTTP exchange failed below the HTTP level.
public enum HTTPTransportError: Error, Equatable, CustomStringConvertible {
    /// No connection could be made (refused, unreachable, unknown host).
    case cannotConnect(String)
    /// The connection broke, or the answer was not parseable HTTP, before the response was complete.
    case connectionLost(String)
    /// The transport's own time limit passed.
    case timedOut
    /// The URL cannot be sent (not http/https, no host).
    case badURL(String)
    /// The body grew past the caller's limit; reading stopped there.
    case responseTooLarge(limit: Int)
    /// Anything else the transport reported.
    case other(String)

    public var description: String {
        switch self {
        case .cannotConnect(let why): "cannot connect: \(why) — is the server running?"
        case .connectionLost(let why): "connection lost: \(why) — check the server is healthy"
        case .timedOut: "timed out waiting for the server"
        case .badURL(let url): "cannot send to \"\(url)\" — use an http:// or https:// URL with a host"
        case .responseTooLarge(let limit): "the answer is larger than \(limit) bytes"
        case .other(let why): why
        }
    }
}
