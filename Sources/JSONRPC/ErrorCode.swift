/// A JSON-RPC / LSP error code, open for codes this file does not name.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The bytes were not JSON.
    public static let parseError = ErrorCode(rawValue: -32700)
    /// JSON, but not a request: an array, a member missing, a wrong id type.
    public static let invalidRequest = ErrorCode(rawValue: -32600)
    public static let methodNotFound = ErrorCode(rawValue: -32601)
    public static let invalidParams = ErrorCode(rawValue: -32602)
    public static let internalError = ErrorCode(rawValue: -32603)
    /// A request other than `initialize` arrived before it.
    public static let serverNotInitialized = ErrorCode(rawValue: -32002)
    /// The request was well formed but could not be carried out (e.g. no engine).
    public static let requestFailed = ErrorCode(rawValue: -32803)
    /// Cancelled by `$/cancelRequest`, a newer request, or shutdown.
    public static let requestCancelled = ErrorCode(rawValue: -32800)

    public var description: String { String(rawValue) }
}

/// The `error` member of a response.
public struct ResponseError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var data: JSONValue?

    public init(_ code: ErrorCode, _ message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "error \(code.rawValue): \(message)" }

    public static func cancelled(_ why: String = "request cancelled") -> ResponseError {
        ResponseError(.requestCancelled, why)
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["code": .int(code.rawValue), "message": .string(message)]
        if let data { members["data"] = data }
        return .object(members)
    }

    init?(json: JSONValue) {
        guard let code = json["code"]?.intValue else { return nil }
        self.init(ErrorCode(rawValue: code), json["message"]?.stringValue ?? "", data: json["data"])
    }
}
