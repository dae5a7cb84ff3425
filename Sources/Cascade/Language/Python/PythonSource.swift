import Foundation

/// Python source split into logical statements: a statement spans every physical line
/// joined by open brackets, triple-quoted strings or a trailing backslash. Blank and
/// comment-only lines are not statements.
struct PythonSource {
    struct Statement: Equatable {
        /// First and last physical line (0-based, inclusive).
        var first: Int
        var last: Int
        /// Indentation width in columns (a tab advances to the next multiple of 8).
        var indent: Int
        /// The indentation as written.
        var indentText: String
        /// The statement's text without the first line's indentation.
        var text: String

        var isDef: Bool { text.hasPrefix("def ") || text.hasPrefix("async def ") }
        var isClass: Bool { text.hasPrefix("class ") }
        var isDecorator: Bool { text.hasPrefix("@") }
        var isImport: Bool { text.hasPrefix("import ") || text.hasPrefix("from ") }

        /// `from __future__ import …`: Python accepts it only at the top of a module.
        var isFutureImport: Bool { Self.isFutureImport(importWords) }

        /// `from m import *` or `from __future__ import …`: Python accepts them only at
        /// module level, so they cannot be nested in a function body.
        var isModuleLevelImport: Bool {
            let words = importWords
            return Self.isFutureImport(words) || (words.count == 4 && words[0] == "from" && words[2] == "import" && words[3] == "*")
        }

        private static func isFutureImport(_ words: [Substring]) -> Bool {
            words.count >= 3 && words[0] == "from" && words[1] == "__future__"
        }

        /// The words of an import statement, comments and brackets aside; empty for other statements.
        private var importWords: [Substring] {
            guard isImport else { return [] }
            return PythonScanner.stripComment(text).split { $0.isWhitespace || $0 == "(" || $0 == ")" || $0 == "\\" }
        }

        /// The name after `def`/`class`, if this is one.
        var definedName: String? {
            var rest = Substring(text)
            if rest.hasPrefix("async ") { rest = rest.dropFirst(6).drop(while: \.isWhitespace) }
            for keyword in ["def ", "class "] where rest.hasPrefix(keyword) {
                let name = rest.dropFirst(keyword.count).drop(while: \.isWhitespace)
                    .prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                return name.isEmpty ? nil : String(name)
            }
            return nil
        }

        /// Whether the statement is only a string literal (a docstring candidate).
        var isStringLiteral: Bool {
            let body = text.drop { "rRbBuUfF".contains($0) }
            guard text.count - body.count <= 2, let quote = body.first, quote == "\"" || quote == "'" else { return false }
            let trimmed = String(PythonScanner.stripComment(text)).trimmingCharacters(in: .whitespaces)
            return trimmed.last == quote
        }

        /// `pass`, `...` or nothing but those.
        var isPlaceholder: Bool {
            let trimmed = String(PythonScanner.stripComment(text)).trimmingCharacters(in: .whitespaces)
            return trimmed == "pass" || trimmed == "..." || trimmed == "raise NotImplementedError"
                || trimmed == "raise NotImplementedError()"
        }
    }

    let lines: [String]
    let statements: [Statement]

    init(_ text: String) {
        lines = SourceLines.split(text)
        statements = PythonSource.statements(of: lines)
    }

    private static func statements(of lines: [String]) -> [Statement] {
        var result: [Statement] = []
        var scanner = PythonScanner()
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let content = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }
            if content.isEmpty || content.hasPrefix("#") {
                index += 1
                continue
            }
            let indentText = String(line.prefix(line.count - content.count))
            let first = index
            scanner.reset()
            scanner.scan(line)
            while scanner.continues && index + 1 < lines.count {
                index += 1
                scanner.scan(lines[index])
            }
            var text = String(content)
            if index > first { text += "\n" + lines[(first + 1)...index].joined(separator: "\n") }
            result.append(Statement(first: first, last: index, indent: columns(of: indentText), indentText: indentText, text: text))
            index += 1
        }
        return result
    }

    static func columns(of indent: some StringProtocol) -> Int {
        indent.reduce(0) { width, char in char == "\t" ? (width / 8 + 1) * 8 : width + 1 }
    }

    /// Index of the first statement after `index` that is not inside its block.
    func blockEnd(of index: Int) -> Int {
        let indent = statements[index].indent
        var next = index + 1
        while next < statements.count && statements[next].indent > indent { next += 1 }
        return next
    }

    /// The last physical line holding the statement's block (its header when it has none).
    func lastContentLine(of index: Int) -> Int {
        let end = blockEnd(of: index)
        return end - 1 > index ? statements[end - 1].last : statements[index].last
    }

    /// Index of the first decorator statement directly above `index` (or `index` itself).
    func decoratorsStart(of index: Int) -> Int {
        var start = index
        while start > 0 && statements[start - 1].isDecorator && statements[start - 1].indent == statements[index].indent {
            start -= 1
        }
        return start
    }

    /// The text of physical lines `range`, each ending in a newline.
    func text(_ range: Range<Int>) -> String {
        let clamped = range.clamped(to: 0..<lines.count)
        return SourceLines.join(lines[clamped])
    }
}

/// A character-level scanner for Python: strings (single, triple, prefixed), comments,
/// bracket depth and backslash continuations, carried across lines.
struct PythonScanner {
    private(set) var depth = 0
    private var lexer = PythonLexer()
    private var backslash = false

    /// Whether the statement goes on to the next line.
    var continues: Bool { depth > 0 || (lexer.inString && lexer.triple) || backslash }

    mutating func reset() { self = PythonScanner() }

    mutating func scan(_ line: some StringProtocol) {
        let chars = Array(line)
        var i = 0
        backslash = false
        while i < chars.count {
            let (token, length) = lexer.next(chars, at: i)
            let last = i + 1 == chars.count
            switch token {
            case .escape where last: backslash = true
            case .code("("), .code("["), .code("{"): depth += 1
            case .code(")"), .code("]"), .code("}"): depth = max(0, depth - 1)
            case .code("\\") where last: backslash = true
            default: break
            }
            i += length
        }
        lexer.endLine(continued: backslash)
    }

    /// The text before a `#` comment that is outside any string.
    static func stripComment(_ text: String) -> Substring {
        if let offset = firstOutside(text, where: { char, _ in char == "#" }) {
            return text[..<offset]
        }
        return Substring(text)
    }

    /// The first character outside strings and comments for which `match(char, depth)` holds.
    static func firstOutside(_ text: String, where match: (Character, Int) -> Bool) -> String.Index? {
        let chars = Array(text)
        let indices = Array(text.indices)
        var lexer = PythonLexer()
        var depth = 0
        var i = 0
        while i < chars.count {
            if !lexer.inString && match(chars[i], depth) { return indices[i] }
            let (token, length) = lexer.next(chars, at: i)
            switch token {
            case .code("("), .code("["), .code("{"): depth += 1
            case .code(")"), .code("]"), .code("}"): depth = max(0, depth - 1)
            default: break
            }
            i += length
        }
        return nil
    }

    /// The colon that ends a `def`/`class` header (the first one outside brackets and strings).
    static func headerColon(in text: String) -> String.Index? {
        firstOutside(text) { char, depth in char == ":" && depth == 0 }
    }
}
