import Foundation

/// A parsed JSON value, kept only while a configuration is validated.
enum ConfigJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ConfigJSON])
    case object([String: ConfigJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ConfigJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ConfigJSON].self)) }
    }

    /// How the value is named in "expected X, found Y" messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let value): value == value.rounded() ? "the number \(Int(value))" : "the number \(value)"
        case .string(let value): "the string \"\(value.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}
