import Foundation

/// An `Encoder` that builds a `JSONValue` directly: no bytes written and parsed back.
///
/// Values come out as `JSONEncoder` writes them with its default strategies (optionals
/// left out when nil, `Date` as its own `Codable` number, `URL` as its absolute string,
/// `Data` as base64), except that a non-finite number is kept (and written as `null`)
/// instead of throwing. A `JSONValue` inside the value is taken as it is, so a report
/// encoded once can be placed in every message that carries it.
struct JSONValueEncoder {
    static func encode(_ value: some Encodable) throws -> JSONValue {
        try encode(value, codingPath: [])
    }

    fileprivate static func encode(_ value: some Encodable, codingPath: [any CodingKey]) throws -> JSONValue {
        switch value {
        case let json as JSONValue: return json
        case let url as URL: return .string(url.absoluteString)
        case let data as Data: return .string(data.base64EncodedString())
        default:
            let node = Node()
            try value.encode(to: TreeEncoder(node: node, codingPath: codingPath))
            // A type that encodes nothing is an empty object, as with JSONEncoder.
            return node.value ?? .object([:])
        }
    }
}

/// One value under construction: containers stay open (and shared) until the encoder is done.
private final class Node {
    enum Content {
        case empty
        case value(JSONValue)
        case object([String: Child])
        case array([Child])
    }

    /// A finished value, or a container still open.
    enum Child {
        case value(JSONValue)
        case node(Node)

        var value: JSONValue {
            switch self {
            case .value(let value): value
            case .node(let node): node.value ?? .object([:])
            }
        }
    }

    var content = Content.empty

    var value: JSONValue? {
        switch content {
        case .empty: nil
        case .value(let value): value
        case .object(let members): .object(members.mapValues(\.value))
        case .array(let elements): .array(elements.map(\.value))
        }
    }

    /// This node as an object, keeping members already encoded into it.
    func makeObject() {
        if case .object = content { return }
        content = .object([:])
    }

    func makeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func set(_ child: Child, forKey key: String) {
        guard case .object(var members) = content else { return }
        content = .empty  // keep `members` uniquely referenced while it changes
        members[key] = child
        content = .object(members)
    }

    func append(_ child: Child) {
        guard case .array(var elements) = content else { return }
        content = .empty
        elements.append(child)
        content = .array(elements)
    }

    var count: Int {
        if case .array(let elements) = content { return elements.count }
        return 0
    }
}

private struct TreeEncoder: Encoder {
    let node: Node
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }
}

private func child(_ value: some Encodable, codingPath: [any CodingKey]) throws -> Node.Child {
    .value(try JSONValueEncoder.encode(value, codingPath: codingPath))
}

/// A whole double as `.int`, as it reads back once written (`2.0` is written `2`).
private func number(_ value: Double) -> JSONValue {
    JSONValue.double(value).intValue.map(JSONValue.int) ?? .double(value)
}

private func number(_ value: some BinaryInteger) -> JSONValue {
    if let int = Int(exactly: value) { return .int(int) }
    return .double(Double(value))
}

private func leaf(_ value: JSONValue) -> Node.Child { .value(value) }

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    var codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.set(leaf(.null), forKey: key.stringValue) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { node.set(leaf(.bool(value)), forKey: key.stringValue) }
    mutating func encode(_ value: String, forKey key: Key) throws { node.set(leaf(.string(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Double, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Float, forKey key: Key) throws { node.set(leaf(number(Double(value))), forKey: key.stringValue) }
    mutating func encode(_ value: Int, forKey key: Key) throws { node.set(leaf(.int(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { node.set(leaf(number(value)), forKey: key.stringValue) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        node.set(try child(value, codingPath: codingPath + [key]), forKey: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = Node()
        node.set(.node(nested), forKey: key.stringValue)
        return TreeEncoder(node: nested, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = Node()
        node.set(.node(nested), forKey: key.stringValue)
        return TreeEncoder(node: nested, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(forKey: Key(stringValue: "super")!)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let nested = Node()
        node.set(.node(nested), forKey: key.stringValue)
        return TreeEncoder(node: nested, codingPath: codingPath + [key])
    }
}

private struct IndexKey: CodingKey {
    var stringValue: String { "[\(intValue!)]" }
    var intValue: Int?
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: Node
    var codingPath: [any CodingKey]
    var count: Int { node.count }

    mutating func encodeNil() throws { node.append(leaf(.null)) }
    mutating func encode(_ value: Bool) throws { node.append(leaf(.bool(value))) }
    mutating func encode(_ value: String) throws { node.append(leaf(.string(value))) }
    mutating func encode(_ value: Double) throws { node.append(leaf(number(value))) }
    mutating func encode(_ value: Float) throws { node.append(leaf(number(Double(value)))) }
    mutating func encode(_ value: Int) throws { node.append(leaf(.int(value))) }
    mutating func encode(_ value: Int8) throws { node.append(leaf(number(value))) }
    mutating func encode(_ value: Int16) throws { node.append(leaf(number(value))) }
    mutating func encode(_ value: Int32) throws { node.append(leaf(number(value))) }
    mutating func encode(_ value: Int64) throws { node.append(leaf(number(value))) }
    mutating func encode(_ value: UInt) throws { node.append(leaf(number(value))) }
    mutating func encode(_ value: UInt8) throws { node.append(leaf(number(value))) }
    mutating func encode(_ value: UInt16) throws { node.append(leaf(number(value))) }
    mutating func encode(_ value: UInt32) throws { node.append(leaf(number(value))) }
    mutating func encode(_ value: UInt64) throws { node.append(leaf(number(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.append(try child(value, codingPath: codingPath + [IndexKey(count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = Node()
        let path = codingPath + [IndexKey(count)]
        node.append(.node(nested))
        return TreeEncoder(node: nested, codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = Node()
        let path = codingPath + [IndexKey(count)]
        node.append(.node(nested))
        return TreeEncoder(node: nested, codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let nested = Node()
        let path = codingPath + [IndexKey(count)]
        node.append(.node(nested))
        return TreeEncoder(node: nested, codingPath: path)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: Node
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .value(.null) }
    mutating func encode(_ value: Bool) throws { node.content = .value(.bool(value)) }
    mutating func encode(_ value: String) throws { node.content = .value(.string(value)) }
    mutating func encode(_ value: Double) throws { node.content = .value(number(value)) }
    mutating func encode(_ value: Float) throws { node.content = .value(number(Double(value))) }
    mutating func encode(_ value: Int) throws { node.content = .value(.int(value)) }
    mutating func encode(_ value: Int8) throws { node.content = .value(number(value)) }
    mutating func encode(_ value: Int16) throws { node.content = .value(number(value)) }
    mutating func encode(_ value: Int32) throws { node.content = .value(number(value)) }
    mutating func encode(_ value: Int64) throws { node.content = .value(number(value)) }
    mutating func encode(_ value: UInt) throws { node.content = .value(number(value)) }
    mutating func encode(_ value: UInt8) throws { node.content = .value(number(value)) }
    mutating func encode(_ value: UInt16) throws { node.content = .value(number(value)) }
    mutating func encode(_ value: UInt32) throws { node.content = .value(number(value)) }
    mutating func encode(_ value: UInt64) throws { node.content = .value(number(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        node.content = .value(try JSONValueEncoder.encode(value, codingPath: codingPath))
    }
}
