/// A request a peer can send: its method name, its params (the type itself, decoded from
/// the message's `params`) and the type of its answer.
public protocol RequestType: MessageParams {
    associatedtype Response: Encodable & Sendable
}

/// A notification a peer can send: its method name and its params (the type itself).
public protocol NotificationType: MessageParams {}

/// What requests and notifications share: a method, and params decoded once from raw bytes.
public protocol MessageParams: Decodable, Sendable {
    static var method: String { get }

    /// The params from a message's raw bytes (absent params read as `null`). By default
    /// `JSONDecoder` reads them; a type whose params are free-form JSON (a configuration)
    /// can read them with `RawJSON.parsed()` instead, which keeps any number exactly as
    /// written for the error message that names it.
    /// - Throws: `ResponseError` -32602 naming the method and what was wrong.
    static func decode(_ params: RawJSON?) throws -> Self
}

/// A request or notification whose params are ignored, whatever they are.
public protocol ParamsIgnored: MessageParams {
    init()
}

extension ParamsIgnored {
    public init(from decoder: any Decoder) throws { self.init() }

    /// Nothing to read: the bytes are not even handed to a decoder.
    public static func decode(_ params: RawJSON?) throws -> Self { Self() }
}

extension MessageParams {
    public static func decode(_ params: RawJSON?) throws -> Self {
        try invalidParams {
            try (params ?? .null).decode(Self.self)
        }
    }

    /// Runs `body`, reporting what it throws as -32602 for this method (a `ResponseError`
    /// passes through as it is).
    public static func invalidParams<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ResponseError {
            throw error
        } catch {
            throw ResponseError(.invalidParams, "invalid params for \(method): \(error)")
        }
    }
}
