/// A parsed JSON value, kept only while a configuration is validated.
enum ConfigJSON: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ConfigJSON])
    case object([String: ConfigJSON])

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
