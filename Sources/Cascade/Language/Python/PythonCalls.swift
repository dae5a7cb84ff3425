/// Calls and brackets in short Python texts (a docstring's example line, a test's assert),
/// found outside strings and comments through `PythonLexer`.
enum PythonCalls {
    /// One call of a name: where the name starts and its parentheses.
    struct Call: Equatable {
        var nameStart: Int
        var open: Int
        var close: Int
    }

    /// The text with every string's contents and every comment blanked (quotes kept, same
    /// length), and whether every string was closed.
    static func masked(_ text: String) -> (chars: [Character], closed: Bool) {
        let chars = Array(text)
        var masked = chars
        var lexer = PythonLexer()
        var closed = true
        var i = 0
        while i < chars.count {
            let (token, length) = lexer.next(chars, at: i)
            switch token {
            case .stringText, .escape, .comment:
                for j in i..<min(i + length, chars.count) where chars[j] != "\n" { masked[j] = " " }
            case .unterminatedString:
                closed = false
            case .code, .stringOpen, .stringClose:
                break
            }
            i += length
        }
        return (masked, closed && !lexer.inString)
    }

    /// The bracket that closes the one at `open` in masked text; nil when it stays open.
    static func closing(in masked: [Character], from open: Int) -> Int? {
        var depth = 0
        for index in open..<masked.count {
            switch masked[index] {
            case "(", "[", "{": depth += 1
            case ")", "]", "}":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// The offsets of masked text outside every bracket (the brackets themselves left out); a
    /// stray closing bracket leaves what follows it inside.
    static func topLevelOffsets(in masked: [Character]) -> [Int] {
        var depth = 0
        var offsets: [Int] = []
        for index in masked.indices {
            switch masked[index] {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            default: if depth == 0 { offsets.append(index) }
            }
        }
        return offsets
    }

    /// Every call of `name` as a whole identifier, not an attribute (`x.name(` is not one),
    /// spaces allowed before the parenthesis; a call left open is not counted.
    static func calls(of name: String, in masked: [Character], attribute: Bool = false) -> [Call] {
        let target = Array(name)
        guard !target.isEmpty, masked.count > target.count else { return [] }
        var calls: [Call] = []
        var index = 0
        while index + target.count <= masked.count {
            defer { index += 1 }
            guard masked[index..<(index + target.count)].elementsEqual(target) else { continue }
            let before: Character? = index > 0 ? masked[index - 1] : nil
            if let before, isIdentifierChar(before) { continue }
            if (before == ".") != attribute { continue }
            var open = index + target.count
            while open < masked.count && masked[open] == " " { open += 1 }
            guard open < masked.count, masked[open] == "(", let close = closing(in: masked, from: open) else { continue }
            calls.append(Call(nameStart: index, open: open, close: close))
        }
        return calls
    }

    /// `text` cut at every `separator` outside brackets and strings, each piece trimmed.
    static func topLevelPieces(of text: String, separator: Character) -> [String] {
        var pieces: [String] = []
        var rest = text
        while let cut = PythonScanner.firstOutside(rest, where: { char, depth in char == separator && depth == 0 }) {
            pieces.append(String(rest[..<cut]).trimmingCharacters(in: .whitespaces))
            rest = String(rest[rest.index(after: cut)...])
        }
        pieces.append(rest.trimmingCharacters(in: .whitespaces))
        return pieces
    }

    static func isIdentifierChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
