import Foundation

/// One HTTP request as the fake server received it.
public struct RecordedRequest: Sendable, Equatable {
    public var method: String
    /// The request target, e.g. `/v1/chat/completions` (query string included).
    public var path: String
    /// Header names lower-cased; the last value wins for repeated names.
    public var headers: [String: String]
    public var body: Data

    public init(method: String, path: String, headers: [String: String], body: Data) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// A header by case-insensitive name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body decoded as `T` (nil when it is not valid JSON of that shape).
    public func decodeBody<T: Decodable>(_ type: T.Type = T.self) -> T? {
        try? JSONDecoder().decode(T.self, from: body)
    }

    /// The body parsed as a JSON object, or nil.
    public var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
