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
        case .number(let value) where !value.isFinite: Self.describe(value)
        case .number(let value): "the number \(Self.describe(value))"
        case .string(let value): "the string \"\(value.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// A number as written for people: `3`, `2.5`, `1e+19`; never traps, whatever its size.
    static func describe(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "a negative number too large to represent" : "a number too large to represent" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
