/// A strict RFC 8259 reader for configuration files, which people write by hand.
///
/// Foundation's decoders quietly take what a hand-written file gets wrong: a repeated key
/// (one value silently wins) and, depending on the platform, a trailing comma. This
/// reader refuses both and says where: the line and column of a syntax error, and the key
/// path and both lines of a repeated key.
struct ConfigJSONParser {
    /// What is wrong with the text, and where.
    struct Failure: Error, Equatable {
        enum Kind: Equatable {
            /// Not JSON: `detail` says what was expected at `line`:`column`.
            case syntax
            /// A key that appears twice in one object; `keyPath` names it.
            case duplicateKey(keyPath: String, firstLine: Int)
        }
        var kind: Kind
        var line: Int
        var column: Int
        var detail: String
    }

    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    /// Key path of the value being read, e.g. `["tiers", "[0]", "samples"]`.
    private var path: [String] = []

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses exactly one JSON value (surrounding whitespace and a UTF-8 byte order mark allowed).
    static func parse(_ input: some Collection<UInt8>) throws(Failure) -> ConfigJSON {
        var parser = ConfigJSONParser(bytes: Array(input))
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count else { throw parser.failure("the file is empty; a configuration is one JSON object { … }") }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else {
            throw parser.failure("unexpected \(parser.describeByte()) after the end of the top-level value")
        }
        return value
    }

    // MARK: Positions and errors

    /// 1-based line and column (in characters) of byte `offset`.
    private func position(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var cursor = 0
        let end = min(offset, bytes.count)
        while cursor < end {
            let byte = bytes[cursor]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            cursor += 1
        }
        return (line, column)
    }

    private func failure(_ detail: String, at offset: Int? = nil) -> Failure {
        let (line, column) = position(of: offset ?? index)
        return Failure(kind: .syntax, line: line, column: column, detail: detail)
    }

    private func describeByte() -> String {
        guard index < bytes.count else { return "end of file" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == 0 { return "a NUL byte" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private var keyPath: String {
        var text = ""
        for component in path {
            if component.hasPrefix("[") || text.isEmpty { text += component } else { text += "." + component }
        }
        return text
    }

    // MARK: Grammar

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(Failure) -> ConfigJSON {
        guard index < bytes.count else { throw failure("unexpected end of file: a value is missing") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "/"):
            throw failure("comments are not allowed in JSON; put a note in a \"comment\" key instead")
        case UInt8(ascii: "'"):
            throw failure("strings must be in double quotes, not single quotes")
        default:
            throw failure("expected a value, found \(describeByte())")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws(Failure) {
        let expected = Array(literal.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected else {
            throw failure("expected a value, found \(describeByte()) (did you mean \(literal)?)")
        }
        index += expected.count
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        if depth > Self.maximumDepth { throw failure("nested deeper than \(Self.maximumDepth) levels") }
    }

    /// After a comma: a closing bracket here means a trailing comma.
    private mutating func rejectTrailingComma(commaAt: Int, closing: UInt8) throws(Failure) {
        skipWhitespace()
        if index < bytes.count, bytes[index] == closing {
            throw failure("trailing comma before '\(Character(Unicode.Scalar(closing)))'; JSON allows no comma after the last item, remove it", at: commaAt)
        }
    }

    private mutating func parseObject() throws(Failure) -> ConfigJSON {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [String: ConfigJSON] = [:]
        var lines: [String: Int] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                if index < bytes.count, bytes[index] == UInt8(ascii: "/") {
                    throw failure("comments are not allowed in JSON; put a note in a \"comment\" key instead")
                }
                throw failure("expected a key in double quotes, found \(describeByte())")
            }
            let keyStart = index
            let key = try parseString()
            let keyLine = position(of: keyStart).line
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw failure("expected ':' after the key \"\(key.prefix(40))\", found \(describeByte())")
            }
            index += 1
            skipWhitespace()
            path.append(key)
            if let firstLine = lines[key] {
                let (line, column) = position(of: keyStart)
                throw Failure(kind: .duplicateKey(keyPath: keyPath, firstLine: firstLine), line: line, column: column,
                              detail: "the key \"\(key.prefix(40))\" appears twice in one object (lines \(firstLine) and \(line))")
            }
            lines[key] = keyLine
            members[key] = try parseValue()
            path.removeLast()
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of file inside an object: a '}' is missing") }
            if bytes[index] == UInt8(ascii: ",") {
                let commaAt = index
                index += 1
                try rejectTrailingComma(commaAt: commaAt, closing: UInt8(ascii: "}"))
                continue
            }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw failure("expected ',' or '}' after a member, found \(describeByte())")
        }
    }

    private mutating func parseArray() throws(Failure) -> ConfigJSON {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [ConfigJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            path.append("[\(elements.count)]")
            elements.append(try parseValue())
            path.removeLast()
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of file inside an array: a ']' is missing") }
            if bytes[index] == UInt8(ascii: ",") {
                let commaAt = index
                index += 1
                try rejectTrailingComma(commaAt: commaAt, closing: UInt8(ascii: "]"))
                continue
            }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw failure("expected ',' or ']' after an item, found \(describeByte())")
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        let opening = index
        index += 1
        var scratch: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: scratch, as: UTF8.self) else {
                    throw failure("the string is not valid UTF-8; save the file as UTF-8", at: opening)
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw failure("a \\u escape of a high surrogate must be followed by a low one")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw failure("a \\u escape of a high surrogate must be followed by a low one") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let character = Unicode.Scalar(scalar) else { throw failure("\\u escape of a lone surrogate") }
                    scratch.append(contentsOf: String(character).utf8)
                default:
                    throw failure("unknown escape '\\\(Character(Unicode.Scalar(escape)))' in a string", at: index - 2)
                }
            default:
                if byte < 0x20 {
                    let what = byte == 0x0A ? "a line break" : "a control character"
                    throw failure("\(what) inside a string: close the string with '\"' or write it escaped (\\n, \\t, …)")
                }
                scratch.append(byte)
                index += 1
            }
        }
        throw failure("unterminated string: a closing '\"' is missing", at: opening)
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        guard bytes.count - index >= 4 else { throw failure("unexpected end of file in a \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw failure("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// A number as a `Double`; one too large to represent is ±infinity, which every range check refuses.
    private mutating func parseNumber() throws(Failure) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let from = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            return index - from
        }
        guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { throw failure("a number needs digits") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { throw failure("a number must not start with 0", at: start) }
        } else {
            _ = digits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw failure("digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("digits expected in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text) else { throw failure("the number \(text.prefix(40)) cannot be read", at: start) }
        return value
    }
}
