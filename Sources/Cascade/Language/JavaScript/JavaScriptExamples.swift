import Foundation

/// The examples a JSDoc comment gives of its function, as trusted tests in the model's test
/// form (`assert.strictEqual(CALL, EXPECTED);`, `assert.deepStrictEqual` for arrays and
/// objects). It reads `@example` blocks (`clamp(5, 0, 3) // => 3`, `clamp(5, 0, 3); // 3`,
/// `console.log(clamp(5, 0, 3)) // 3`, a call with `// => 3` on the next line) and example
/// lines anywhere in the comment (`clamp(5, 0, 3) === 3`, `// clamp(5, 0, 3) => 3`, `==>`).
///
/// A candidate that fails an example is never accepted, so whatever is not surely a call of
/// the function and a value (prose, variables the example declared on an earlier line) is
/// skipped. A method's example counts only when it constructs the class itself
/// (`new Counter(2).bump(1)`), as the model's method tests do.
struct JavaScriptExamples {
    let context: CompletionContext

    /// The examples in comment order, one per call.
    func all() -> [UserExample] {
        guard context.kind == .function || context.kind == .method, let entry = context.entryPoint,
              let docstring = context.docstring else { return [] }
        let reader = Reader(context: context, entry: entry)
        let lines = Self.contentLines(of: docstring)
        var seen = Set<String>()
        return ExampleText.read(lines, example: reader.example(at:in:)).compactMap { example in
            guard seen.insert(JavaScriptExtractor.key(example.call)).inserted else { return nil }
            return UserExample(call: example.call, expected: example.expected, test: Self.test(call: example.call, expected: example.expected))
        }
    }

    /// `assert.strictEqual(CALL, EXPECTED);`, `assert.deepStrictEqual` for an array, an object or
    /// a constructed value (a fresh one is never the same object), and for a float a comparison
    /// within the tolerance of its printed digits.
    static func test(call: String, expected: String) -> String {
        if let tolerance = ExampleText.tolerance(ofFloat: expected) {
            return "assert.ok(Math.abs(\(call) - (\(expected))) < \(tolerance));"
        }
        let deep = expected.hasPrefix("[") || expected.hasPrefix("{") || expected.hasPrefix("new ")
        return "assert.\(deep ? "deepStrictEqual" : "strictEqual")(\(call), \(expected));"
    }

    /// The comment's lines without `/**`, `*/` and the leading `*`, each trimmed; an
    /// `@example` tag is dropped from its line, other tags end the examples on theirs.
    static func contentLines(of comment: String) -> [String] {
        SourceLines.split(comment).map { raw in
            var line = Substring(raw.trimmingCharacters(in: .whitespaces))
            if line.hasPrefix("/**") { line = line.dropFirst(3) } else if line.hasPrefix("/*") { line = line.dropFirst(2) }
            if line.hasSuffix("*/") { line = line.dropLast(2) }
            line = line.drop(while: \.isWhitespace)
            if line.hasPrefix("*") { line = line.dropFirst() }
            line = line.drop(while: \.isWhitespace)
            if line.hasPrefix("@example") { line = line.dropFirst("@example".count) }
            return line.trimmingCharacters(in: .whitespaces)
        }
    }
}

extension JavaScriptExamples {
    struct Found: Equatable {
        var call: String
        var expected: String
    }

    /// Reads one example at a time from a doc comment's lines.
    struct Reader {
        let context: CompletionContext
        let entry: String
        /// Names an example may use: the function, its class, what the preamble declares.
        let known: Set<String>

        init(context: CompletionContext, entry: String) {
            self.context = context
            self.entry = entry
            known = Set([entry] + [context.className].compactMap { $0 } + Self.declaredNames(in: context.preamble))
        }

        var isMethod: Bool { context.kind == .method }

        /// The example that starts at `lines[index]`, if any, and the index of the line after it.
        func example(at index: Int, in lines: [String]) -> (Found?, Int) {
            var text = lines[index]
            if text.hasPrefix("//") { text = text.dropFirst(2).trimmingCharacters(in: .whitespaces) }
            text = Self.withoutLead(text)
            var last = index
            var wrapped = false
            if text.hasPrefix("console.log(") {
                wrapped = true
                text = String(text.dropFirst("console.log(".count))
            }
            // The call, joined with the lines after it while its parentheses are open.
            var end: Int?
            var parts = [text]
            while true {
                text = ExampleText.joined(parts)
                end = callEnd(in: text)
                guard end == nil, last + 1 < lines.count, last - index < AssertionCollector.continuationLines * 2,
                      JavaScriptSource(text).problem?.hasSuffix("was never closed") == true else { break }
                last += 1
                parts.append(lines[last])
            }
            guard let end else { return (nil, index + 1) }
            let chars = Array(text)
            let call = String(chars[...end])
            var rest = String(chars[(end + 1)...]).trimmingCharacters(in: .whitespaces)
            if wrapped {
                guard rest.hasPrefix(")") else { return (nil, last + 1) }
                rest = String(rest.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            while rest.hasPrefix(";") { rest = rest.dropFirst().trimmingCharacters(in: .whitespaces) }
            if rest.isEmpty, last + 1 < lines.count, lines[last + 1].hasPrefix("//") {
                // `clamp(5, 0, 3);` then `// => 3` on the next line.
                last += 1
                rest = lines[last]
            }
            guard let value = Self.afterSeparator(rest, commentOnly: wrapped) else { return (nil, last + 1) }
            return (found(call: call, expected: value), last + 1)
        }

        /// A line's bullet or label before the call (`-`, `Example:`, `e.g.`).
        static func withoutLead(_ line: String) -> String {
            var words = line.split(separator: " ", omittingEmptySubsequences: false)
            let leads: Set<String> = ["*", "-", "•", "example", "examples", "e.g", "eg", "ex"]
            var dropped = 0
            while let first = words.first, dropped < 3,
                  leads.contains(first.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ":.,"))) {
                words.removeFirst()
                dropped += 1
            }
            return words.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        }

        /// The offset of the `)` that ends the call at the start of `text` (for a method,
        /// `new Class(…).method(…)`).
        func callEnd(in text: String) -> Int? {
            let source = JavaScriptSource(text)
            var offset = 0
            if isMethod, let className = context.className {
                guard text.hasPrefix("new "), let construct = Self.call(of: className, in: source, at: 4) else { return nil }
                offset = construct + 1
                while offset < source.masked.count && source.masked[offset] == " " { offset += 1 }
                guard offset < source.masked.count, source.masked[offset] == "." else { return nil }
                offset += 1
            }
            return Self.call(of: entry, in: source, at: offset)
        }

        /// The close of the call of `name` that starts at `offset`.
        private static func call(of name: String, in source: JavaScriptSource, at offset: Int) -> Int? {
            let target = Array(name)
            guard source.masked.count > offset + target.count, source.masked[offset..<(offset + target.count)].elementsEqual(target)
            else { return nil }
            var open = offset + target.count
            while open < source.masked.count && source.masked[open] == " " { open += 1 }
            guard open < source.masked.count, source.masked[open] == "(" else { return nil }
            return source.partner[open]
        }

        /// The value after `// =>`, `// 3`, `=== `, `==>`, `==`, `=>`, `->`, `➞`, `→` or
        /// `returns`; only the comment forms after a `console.log(…)`.
        static func afterSeparator(_ rest: String, commentOnly: Bool) -> String? {
            var text = Substring(rest)
            let comment = text.hasPrefix("//")
            guard comment || !commentOnly else { return nil }
            if comment { text = text.dropFirst(2).drop(while: \.isWhitespace) }
            for symbol in ["===", "==>", "==", "=>", "->", "➞", "→"] where text.hasPrefix(symbol) {
                return String(text.dropFirst(symbol.count))
            }
            for words in ["should return", "should be", "returns", "return"] where text.lowercased().hasPrefix(words) {
                let after = text.dropFirst(words.count)
                if after.first.map({ !JavaScriptSource.isIdentifierChar($0) }) ?? false { return String(after) }
            }
            return comment ? String(text) : nil
        }

        /// The example when its call calls the function and its value is one expression.
        func found(call: String, expected: String) -> Found? {
            let call = call.trimmingCharacters(in: .whitespaces)
            guard call.count <= 2000, isValue(call), let value = cleanedValue(expected) else { return nil }
            return Found(call: call, expected: value)
        }

        /// The value without a trailing comment, `;` or period; nil when that is not one
        /// expression, or when it calls the function itself.
        func cleanedValue(_ raw: String) -> String? {
            let source = JavaScriptSource(raw)
            var text = raw
            if let comment = source.comments.first { text = String(Array(raw)[..<comment.lowerBound]) }
            text = text.trimmingCharacters(in: .whitespaces)
            while let last = text.last, ";.,".contains(last) {
                text.removeLast()
                text = text.trimmingCharacters(in: .whitespaces)
            }
            guard isValue(text), !Self.mentions(entry, in: text) else { return nil }
            return text
        }

        /// Whether `text` is one expression whose names the test would know.
        func isValue(_ text: String) -> Bool {
            guard JavaScriptSyntaxCheck.problem(in: text) == nil else { return false }
            return ExpressionCheck.problem(in: String(JavaScriptSource(text).masked), grammar: .javaScript, known: known) == nil
        }

        private static func mentions(_ name: String, in text: String) -> Bool {
            let masked = String(JavaScriptSource(text).masked)
            return JavaScriptExtractor.mentions(name, in: masked) || masked.contains("." + name + "(")
        }

        /// Functions, classes and variables the preamble declares at top level.
        static func declaredNames(in preamble: String) -> [String] {
            let source = JavaScriptSource(preamble)
            return source.topLevelItems().flatMap { item -> [String] in
                var text = Substring(source.maskedLine(item.lowerBound).trimmingCharacters(in: .whitespaces))
                for word in ["export ", "default ", "async "] where text.hasPrefix(word) { text = text.dropFirst(word.count) }
                guard let keyword = ["function ", "class ", "const ", "let ", "var "].first(where: { text.hasPrefix($0) }) else { return [] }
                text = text.dropFirst(keyword.count).drop(while: { $0 == " " || $0 == "*" })
                if text.hasPrefix("{") || text.hasPrefix("[") {
                    // Destructuring: every name up to the closing bracket, the renamed ones by their new name.
                    let inner = text.dropFirst().prefix { $0 != "}" && $0 != "]" }
                    return inner.split(separator: ",").compactMap { item in
                        let name = item.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? ""
                        return name.isEmpty ? nil : String(name.prefix(while: JavaScriptSource.isIdentifierChar))
                    }
                }
                let name = text.prefix(while: JavaScriptSource.isIdentifierChar)
                return name.isEmpty ? [] : [String(name)]
            }
        }
    }
}

extension ExpressionGrammar {
    /// JavaScript expressions: literals, names, calls, member access, arrays and object literals.
    static let javaScript = ExpressionGrammar(
        binarySymbols: ["+", "-", "*", "/", "%", "**", "==", "!=", "===", "!==", "<", ">", "<=", ">=", "&", "|", "^",
                        "<<", ">>", ">>>", "&&", "||", "??"],
        unarySymbols: ["-", "+", "!", "~"],
        binaryWords: ["instanceof", "in"],
        unaryWords: ["typeof", "void", "new"],
        builtins: ["true", "false", "null", "undefined", "NaN", "Infinity", "Math", "Number", "String", "Array", "Object",
                   "JSON", "Map", "Set", "Date", "BigInt", "Symbol", "Boolean", "RegExp", "Error", "parseInt",
                   "parseFloat", "isNaN", "isFinite"],
        quotes: ["\"", "'", "`"], bareKeys: true, identifierExtras: ["$"])
}
