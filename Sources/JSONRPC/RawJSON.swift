import Foundation

/// One JSON value kept as the bytes it arrived in: a message's `params`, decoded once,
/// straight into the type its method names.
///
/// The connection checks the bytes are well-formed JSON (and finds where they end) without
/// building a `JSONValue`; `JSONDecoder` reads them only when the receiver decodes them.
public struct RawJSON: Sendable, Hashable {
    public let bytes: Data

    public init(_ bytes: some Sequence<UInt8>) {
        self.bytes = Data(bytes)
    }

    /// The bytes as an instance of `T`.
    /// - Throws: `JSONConversionError` naming the member that had the wrong type or was
    ///   missing; errors thrown by `T`'s own `init(from:)` pass through unchanged.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: bytes)
        } catch let error as DecodingError {
            throw JSONConversionError(error.shortDescription)
        }
    }

    /// The bytes as a `JSONValue`, by our own parser: for free-form params (a configuration,
    /// whose numbers must stay as written even where `JSONDecoder` refuses them), logs and tests.
    public func parsed() throws -> JSONValue {
        try JSONValue.parse(bytes)
    }

    /// `null`, what absent params decode from.
    public static let null = RawJSON(Array("null".utf8))
}
