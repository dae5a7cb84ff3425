import Foundation

/// The examples a docstring gives of its function, as trusted tests in the model's test form
/// (`assert CALL == EXPECTED`). It reads doctests (`>>> f(x)` then the value), example lines
/// (`f(x) == y`, `f(x) ==> y`, `f(x) ➞ y`, `f(x) => y`, `f(x) -> y`, `f(x) = y`,
/// `f(x) should return y`, `f(x) # returns y`), sentences `For x = … the output should be …`
/// and `Input:` / `Output:` pairs.
///
/// A candidate that fails an example is never accepted, so a misread example would reject
/// every candidate: whatever is not surely a call of the function and a value (prose, names
/// the test would not know, a value that is not an expression) is skipped, never guessed.
///
/// A method's example needs an instance: like the model's method tests, it counts only when
/// the call constructs the class itself (`Counter(2).bump(1)`). Doctest sessions that bind an
/// instance first (`>>> c = Counter()`, then `>>> c.bump(1)`) are skipped: their calls depend
/// on the state the earlier lines left, which one test statement cannot carry. The `For …` and
/// `Input:` forms name only the method's parameters, never the instance, and are skipped too.
struct PythonExamples {
    let context: CompletionContext

    /// The examples in docstring order, one per call.
    func all() -> [UserExample] {
        guard context.kind == .function || context.kind == .method, let entry = context.entryPoint,
              let docstring = context.docstring else { return [] }
        let reader = Reader(context: context, entry: entry)
        let lines = Self.contentLines(of: docstring)
        var found = ExampleText.read(lines, example: reader.example(at:in:))
        if reader.definesSequence(lines), let last = found.last.map({ Self.kind(of: $0.expected) }) {
            // `tri(n) = tri(n - 1) + …` describes a sequence with the function's name, and its
            // `tri(4) = 3` lines may be terms of that sequence rather than what the function
            // returns (a list of terms, say): when the kinds of values disagree, the kind of the
            // last example (where docstrings put the real ones) wins over the other lines.
            found.removeAll { !$0.isDoctest && Self.kind(of: $0.expected) != last }
        }
        var seen = Set<String>()
        return found.compactMap { example in
            guard seen.insert(PythonExtractor.key(example.call)).inserted else { return nil }
            return UserExample(call: example.call, expected: example.expected, test: Self.test(call: example.call, expected: example.expected))
        }
    }

    struct Found: Equatable {
        var call: String
        var expected: String
        var isDoctest: Bool
    }

    // MARK: - Tests

    /// `assert CALL == EXPECTED`; a float is compared within the tolerance of its printed digits.
    static func test(call: String, expected: String) -> String {
        let call = operand(call)
        guard let tolerance = ExampleText.tolerance(ofFloat: expected) else { return "assert \(call) == \(operand(expected))" }
        let value = expected.hasPrefix("-") ? "(\(expected))" : expected
        return "assert abs(\(call) - \(value)) < \(tolerance)"
    }

    /// `text` in parentheses when a comparison, a boolean operator or a conditional stands at
    /// its top level: `f(x) is not None == True` would chain the two comparisons.
    static func operand(_ text: String) -> String {
        let comparisons: Set<String> = ["==", "!=", "<", ">", "<=", ">="]
        var depth = 0
        for token in ExpressionCheck.tokens(of: PythonCalls.masked(text).chars, grammar: .python) ?? [] {
            switch token {
            case .open: depth += 1
            case .close: depth -= 1
            case .word where depth == 0: return "(\(text))"
            case .symbol(let symbol) where depth == 0 && comparisons.contains(symbol): return "(\(text))"
            default: break
            }
        }
        return text
    }

    // MARK: - Docstring text

    /// The docstring's lines without its quotes, each trimmed.
    static func contentLines(of docstring: String) -> [String] {
        var text = Substring(docstring.trimmingCharacters(in: .whitespacesAndNewlines))
        text = text.drop { "rRuU".contains($0) }
        for quote in ["\"\"\"", "'''", "\"", "'"] where text.hasPrefix(quote) {
            text = text.dropFirst(quote.count)
            if text.hasSuffix(quote) { text = text.dropLast(quote.count) }
            break
        }
        return SourceLines.split(String(text)).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    // MARK: - Values

    enum Kind: Equatable { case number, string, boolean, none, list, tuple, braces, other }

    /// What sort of value an expected text is, by its first token.
    static func kind(of value: String) -> Kind {
        switch value {
        case "True", "False": return .boolean
        case "None": return .none
        default: break
        }
        guard let first = value.drop(while: { "rRbBuUfF".contains($0) }).first else { return .other }
        switch first {
        case "\"", "'": return .string
        case "[": return .list
        case "(": return .tuple
        case "{": return .braces
        default: break
        }
        let digits = value.drop { $0 == "-" || $0 == "+" }
        return digits.first.map { $0.isNumber || $0 == "." } == true && !value.contains(" ") ? .number : .other
    }
}

extension PythonExamples {
    /// Reads one example at a time from a docstring's lines.
    struct Reader {
        let context: CompletionContext
        let entry: String
        /// Names an example may use: the function, its class, what the preamble defines.
        let known: Set<String>

        init(context: CompletionContext, entry: String) {
            self.context = context
            self.entry = entry
            known = Set([entry] + [context.className].compactMap { $0 } + Self.definedNames(in: context.preamble))
        }

        var isMethod: Bool { context.kind == .method }

        /// The example that starts at `lines[index]`, if any, and the index of the line after it.
        func example(at index: Int, in lines: [String]) -> (Found?, Int) {
            let line = lines[index]
            if line.hasPrefix(">>>") { return doctest(at: index, in: lines) }
            if let (example, next) = inputOutput(at: index, in: lines) { return (example, next) }
            if let example = forSentence(Self.withoutBullet(line)) { return (example, index + 1) }
            return exampleLine(at: index, in: lines)
        }

        // MARK: Doctests

        /// `>>> CALL` with `... ` continuation lines, then the value: its first line, and the lines
        /// after while its brackets are open (up to a blank line or the next `>>>`); a docstring
        /// written by hand often goes on with other examples or prose right after a value. No
        /// value means `None`; a source `CALL == VALUE` carries its own value.
        func doctest(at index: Int, in lines: [String]) -> (Found?, Int) {
            func code(_ line: String) -> String {
                String(PythonScanner.stripComment(String(line.dropFirst(3)))).trimmingCharacters(in: .whitespaces)
            }
            var source = [code(lines[index])]
            var next = index + 1
            while next < lines.count, lines[next] == "..." || lines[next].hasPrefix("... ") {
                source.append(code(lines[next]))
                next += 1
            }
            var output: [String] = []
            while next < lines.count, !lines[next].isEmpty, !lines[next].hasPrefix(">>>"),
                  output.isEmpty || Self.opensBracket(output.joined()) {
                output.append(lines[next])
                next += 1
            }
            return (doctestExample(ExampleText.joined(source), output: ExampleText.joined(output)), next)
        }

        private func doctestExample(_ code: String, output: String) -> Found? {
            if let (left, right) = Self.comparison(in: code) {
                guard output.isEmpty || output == "True" else { return nil }
                return found(call: left, expected: right, isDoctest: true)
            }
            guard output.isEmpty else { return found(call: code, expected: output, isDoctest: true) }
            // Doctest prints nothing for None; `f(x) [1, 2]` is a value written on the call's line.
            guard let (call, rest) = leadingCall(in: code, lines: [], at: 0)?.split else { return nil }
            if rest.allSatisfy(\.isWhitespace) { return found(call: call, expected: "None", isDoctest: true) }
            guard rest.first?.isWhitespace == true else { return nil }
            return found(call: call, expected: rest, isDoctest: true)
        }

        /// `LEFT == RIGHT` at the top level of `code`.
        static func comparison(in code: String) -> (String, String)? {
            let chars = PythonCalls.masked(code).chars
            guard let index = PythonCalls.topLevelOffsets(in: chars).first(where: { index in
                chars[index] == "=" && index > 0 && index + 2 < chars.count && chars[index + 1] == "="
                    && !"=!<>".contains(chars[index - 1]) && chars[index + 2] != "="
            }) else { return nil }
            let original = Array(code)
            return (String(original[..<index]).trimmingCharacters(in: .whitespaces),
                    String(original[(index + 2)...]).trimmingCharacters(in: .whitespaces))
        }

        // MARK: Example lines

        /// A line that starts with a call of the function (after a bullet or a label such as
        /// `Example:`), then a separator and the value. The call and the value may each go on
        /// over following lines while their brackets are open.
        func exampleLine(at index: Int, in lines: [String]) -> (Found?, Int) {
            guard let start = callStart(in: lines[index]) else { return (nil, index + 1) }
            let text = String(Array(lines[index])[start...])
            guard let call = leadingCall(in: text, lines: lines, at: index) else { return (nil, index + 1) }
            var last = call.lastLine
            guard let value = Self.afterSeparator(call.split.rest) else { return (nil, last + 1) }
            var expected = [value]
            while Self.opensBracket(expected.joined()) && last + 1 < lines.count && last - call.lastLine < AssertionCollector.continuationLines * 2 {
                last += 1
                expected.append(lines[last])
            }
            return (found(call: call.split.call, expected: ExampleText.joined(expected), isDoctest: false), last + 1)
        }

        /// Where the function's call starts in `line` when only a bullet, a number or a label
        /// (`Example:`, `For example:`, `for`, `assert`) comes before it.
        func callStart(in line: String) -> Int? {
            let masked = PythonCalls.masked(line).chars
            let name = isMethod ? context.className ?? entry : entry
            guard let call = PythonCalls.calls(of: name, in: masked).first?.nameStart ?? Self.openCall(of: name, in: masked)
            else { return nil }
            let prefix = String(Array(line)[..<call]).split(separator: " ")
            guard prefix.count <= 3 else { return nil }
            let allowed: Set<String> = ["*", "-", "•", "+", "#", "for", "example", "examples", "e.g", "eg", "ex", "assert"]
            let fine = prefix.allSatisfy { word in
                let plain = word.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ":.,)"))
                return allowed.contains(plain) || (!plain.isEmpty && plain.allSatisfy(\.isNumber))
            }
            return fine ? call : nil
        }

        /// The start of a call of `name` whose parenthesis the line leaves open.
        private static func openCall(of name: String, in masked: [Character]) -> Int? {
            let target = Array(name + "(")
            guard masked.count >= target.count else { return nil }
            return (0...(masked.count - target.count)).first { index in
                masked[index..<(index + target.count)].elementsEqual(target)
                    && (index == 0 || !(PythonCalls.isIdentifierChar(masked[index - 1]) || masked[index - 1] == "."))
            }
        }

        /// The call at the start of `text` (for a method, `Class(…).method(…)`) and the text after
        /// it, joining the lines after `lines[index]` while its parentheses are open.
        func leadingCall(in text: String, lines: [String], at index: Int) -> (split: (call: String, rest: String), lastLine: Int)? {
            var parts = [text]
            var last = index
            while true {
                let joined = ExampleText.joined(parts)
                let masked = PythonCalls.masked(joined).chars
                if let end = callEnd(in: masked) {
                    let chars = Array(joined)
                    return ((String(chars[...end]), String(chars[(end + 1)...])), last)
                }
                guard last + 1 < lines.count, last - index < AssertionCollector.continuationLines * 2,
                      Self.opensBracket(joined) else { return nil }
                last += 1
                parts.append(lines[last])
            }
        }

        /// The offset of the `)` that ends the call at the start of masked text.
        private func callEnd(in masked: [Character]) -> Int? {
            if isMethod, let className = context.className {
                guard let construct = PythonCalls.calls(of: className, in: masked).first, construct.nameStart == 0 else { return nil }
                var dot = construct.close + 1
                while dot < masked.count && masked[dot] == " " { dot += 1 }
                guard dot < masked.count, masked[dot] == ".",
                      let method = PythonCalls.calls(of: entry, in: masked, attribute: true).first(where: { $0.nameStart == dot + 1 })
                else { return nil }
                return method.close
            }
            guard let call = PythonCalls.calls(of: entry, in: masked).first, call.nameStart == 0 else { return nil }
            return call.close
        }

        /// The value after a separator (`==>`, `==`, `=>`, `->`, `➞`, `→`, `=`, `should return`,
        /// `should be`, `returns`, possibly after `#`); nil when no separator follows the call.
        static func afterSeparator(_ rest: String) -> String? {
            var text = Substring(rest.trimmingCharacters(in: .whitespaces))
            if text.first == "#" { text = text.dropFirst().drop(while: \.isWhitespace) }
            let symbols = ["==>", "==", "=>", "->", "➞", "→", "="]
            if let symbol = symbols.first(where: { text.hasPrefix($0) }) {
                return String(text.dropFirst(symbol.count))
            }
            for words in ["should return", "should be", "returns"] {
                guard text.lowercased().hasPrefix(words) else { continue }
                let after = text.dropFirst(words.count)
                guard after.first.map({ !PythonCalls.isIdentifierChar($0) }) ?? false else { continue }
                return String(after)
            }
            return nil
        }

        static func opensBracket(_ text: String) -> Bool {
            var scanner = PythonScanner()
            scanner.scan(text)
            return scanner.depth > 0
        }

        // MARK: Sentences and Input/Output pairs

        /// `For lst = [1, 2] the output should be 3` (also `the result should be`): the call is
        /// built from the named values in the order of the signature's parameters.
        func forSentence(_ line: String) -> Found? {
            guard !isMethod, line.lowercased().hasPrefix("for ") else { return nil }
            let markers = [" the output should be ", " the result should be ", " the output will be ", " the result will be ",
                           " the output is ", " the result is ", " output should be "]
            guard let marker = markers.compactMap({ line.range(of: $0, options: .caseInsensitive) })
                .min(by: { $0.lowerBound < $1.lowerBound }) else { return nil }
            var clause = String(line[line.index(line.startIndex, offsetBy: 4)..<marker.lowerBound]).trimmingCharacters(in: .whitespaces)
            while clause.hasSuffix(",") { clause.removeLast() }
            guard let call = call(from: PythonCalls.topLevelPieces(of: clause, separator: ",")) else { return nil }
            return found(call: call, expected: String(line[marker.upperBound...]), isDoctest: false)
        }

        /// `Input: arr = [4, 2], k = 1` (the values possibly on the following lines, as
        /// `name : value`), then `Output: [4]`; nil when `lines[index]` does not start one.
        func inputOutput(at index: Int, in lines: [String]) -> (Found?, Int)? {
            guard let first = Self.labelled("input", Self.withoutBullet(lines[index])) else { return nil }
            var pieces = first.isEmpty ? [] : PythonCalls.topLevelPieces(of: first, separator: ",")
            var next = index + 1
            while next < lines.count, Self.labelled("output", Self.withoutBullet(lines[next])) == nil {
                guard !lines[next].isEmpty, next - index <= AssertionCollector.continuationLines else { return (nil, next) }
                pieces += PythonCalls.topLevelPieces(of: Self.withoutBullet(lines[next]), separator: ",")
                next += 1
            }
            guard !isMethod, next < lines.count, let output = Self.labelled("output", Self.withoutBullet(lines[next])),
                  let call = call(from: pieces) else { return (nil, next + 1) }
            return (found(call: call, expected: output, isDoctest: false), next + 1)
        }

        /// The text after `label:` at the start of `line` (any case), trimmed.
        static func labelled(_ label: String, _ line: String) -> String? {
            guard line.lowercased().hasPrefix(label) else { return nil }
            let rest = line.dropFirst(label.count).drop(while: { $0 == " " })
            guard rest.first == ":" else { return nil }
            return rest.dropFirst().trimmingCharacters(in: .whitespaces)
        }

        /// A call of the function from `name = value` (or `name : value`) pieces, or from bare
        /// values in order; positional, in the signature's order. Values named after a parameter
        /// go to it, the others fill the remaining parameters in order; every parameter without a
        /// default must get one. When some pieces are named, the unnamed ones are prose and dropped.
        func call(from pieces: [String]) -> String? {
            guard let parameters = Self.parameters(in: context.signature), !pieces.isEmpty else { return nil }
            let named = pieces.compactMap(Self.assignment)
            let values = named.isEmpty ? pieces.map { (name: "", value: $0) } : named
            var slots = [String?](repeating: nil, count: parameters.count)
            var others: [String] = []
            for (name, value) in values {
                if let slot = parameters.firstIndex(where: { $0.name == name }), slots[slot] == nil {
                    slots[slot] = value
                } else {
                    others.append(value)
                }
            }
            for value in others {
                guard let free = slots.firstIndex(of: nil) else { return nil }
                slots[free] = value
            }
            let given = slots.prefix { $0 != nil }.compactMap { $0 }
            guard parameters[given.count...].allSatisfy(\.hasDefault), slots[given.count...].allSatisfy({ $0 == nil }),
                  given.allSatisfy(isValue) else { return nil }
            return "\(entry)(\(given.joined(separator: ", ")))"
        }

        /// `name = value` or `name : value`.
        static func assignment(_ piece: String) -> (name: String, value: String)? {
            let name = piece.prefix { PythonCalls.isIdentifierChar($0) }
            guard let first = name.first, !first.isNumber else { return nil }
            let rest = piece.dropFirst(name.count).drop(while: { $0 == " " })
            guard rest.first == ":" || (rest.first == "=" && !rest.hasPrefix("==")) else { return nil }
            return (String(name), rest.dropFirst().trimmingCharacters(in: .whitespaces))
        }

        /// The parameters of a `def` header, without `self`/`cls` of a method; nil when it takes
        /// `*args`, `**kwargs` or keyword-only parameters (no positional call fills them).
        static func parameters(in signature: String) -> [(name: String, hasDefault: Bool)]? {
            let masked = PythonCalls.masked(signature).chars
            guard let open = masked.firstIndex(of: "("), let close = PythonCalls.closing(in: masked, from: open) else { return nil }
            let inner = String(Array(signature)[(open + 1)..<close])
            var parameters: [(name: String, hasDefault: Bool)] = []
            for piece in PythonCalls.topLevelPieces(of: inner, separator: ",") where !piece.isEmpty && piece != "/" {
                guard !piece.hasPrefix("*") else { return nil }
                let name = String(piece.prefix { PythonCalls.isIdentifierChar($0) })
                guard !name.isEmpty else { return nil }
                let hasDefault = PythonScanner.firstOutside(piece) { char, depth in char == "=" && depth == 0 } != nil
                parameters.append((name, hasDefault))
            }
            if let first = parameters.first?.name, first == "self" || first == "cls" { parameters.removeFirst() }
            return parameters
        }

        // MARK: Checks

        /// The example when its call calls the function and its value is one expression.
        func found(call: String, expected: String, isDoctest: Bool) -> Found? {
            let call = call.trimmingCharacters(in: .whitespaces)
            guard call.count <= 2000, isValue(call), callsEntry(call), let value = cleanedValue(expected) else { return nil }
            return Found(call: call, expected: value, isDoctest: isDoctest)
        }

        /// Whether the expression calls the function (for a method: constructs its class and calls it).
        func callsEntry(_ text: String) -> Bool {
            let masked = PythonCalls.masked(text).chars
            if isMethod, let className = context.className {
                return !PythonCalls.calls(of: className, in: masked).isEmpty
                    && !PythonCalls.calls(of: entry, in: masked, attribute: true).isEmpty
            }
            return !PythonCalls.calls(of: entry, in: masked).isEmpty
        }

        /// The expected value as an expression: comment, final period and surrounding space
        /// dropped, `true`/`false`/`none` capitalised, `2 + 3 = 5` read as its result, a value
        /// followed by prose (`'No' (the name …)`) cut before the prose. Nil when that is not a
        /// single expression, when it calls the function itself, or when it is a lone
        /// parenthesised value such as `("Venus")` (a string that reads as a one-element tuple).
        func cleanedValue(_ raw: String) -> String? {
            var text = String(PythonScanner.stripComment(raw)).trimmingCharacters(in: .whitespaces)
            while let last = text.last, ".,;".contains(last) {
                text.removeLast()
                text = text.trimmingCharacters(in: .whitespaces)
            }
            switch text.lowercased() {
            case "true": text = "True"
            case "false": text = "False"
            case "none", "null": text = "None"
            default: break
            }
            if let result = Self.afterLastAssignment(text) { text = result }
            guard !text.isEmpty, !Self.isParenthesisedSingle(text) else { return nil }
            if isValue(text) { return mentionsEntry(text) ? nil : text }
            guard let lead = leadingValue(text), !mentionsEntry(lead) else { return nil }
            return lead
        }

        /// The text after the last `=` (not `==`, `<=`, …) outside brackets and strings.
        static func afterLastAssignment(_ text: String) -> String? {
            let chars = PythonCalls.masked(text).chars
            let found = PythonCalls.topLevelOffsets(in: chars).last { index in
                let before: Character = index > 0 ? chars[index - 1] : " "
                let after: Character = index + 1 < chars.count ? chars[index + 1] : " "
                return chars[index] == "=" && !"=!<>:".contains(before) && after != "="
            }
            return found.map { String(Array(text)[($0 + 1)...]).trimmingCharacters(in: .whitespaces) }
        }

        static func isParenthesisedSingle(_ text: String) -> Bool {
            let masked = PythonCalls.masked(text).chars
            guard masked.first == "(", PythonCalls.closing(in: masked, from: 0) == masked.count - 1 else { return false }
            let inner = String(Array(text)[1..<(masked.count - 1)])
            return !inner.allSatisfy(\.isWhitespace) && PythonCalls.topLevelPieces(of: inner, separator: ",").count == 1
        }

        /// The longest leading literal of `text` followed by prose: cut at a space outside
        /// brackets and strings, the part before being a literal and the part after starting
        /// with a letter or a parenthesis.
        private func leadingValue(_ text: String) -> String? {
            let chars = Array(text)
            let masked = PythonCalls.masked(text).chars
            let cuts = PythonCalls.topLevelOffsets(in: masked).filter { masked[$0] == " " && chars[$0] == " " }
            for cut in cuts {
                let head = String(chars[..<cut]).trimmingCharacters(in: .whitespaces)
                let tail = String(chars[cut...]).trimmingCharacters(in: .whitespaces)
                guard let next = tail.first, next.isLetter || next == "(" else { continue }
                if PythonExamples.kind(of: head) != .other, isValue(head) { return head }
            }
            return nil
        }

        private func mentionsEntry(_ text: String) -> Bool {
            let masked = PythonCalls.masked(text).chars
            return !PythonCalls.calls(of: entry, in: masked).isEmpty || !PythonCalls.calls(of: entry, in: masked, attribute: true).isEmpty
        }

        /// Whether `text` is one expression whose names the test would know.
        func isValue(_ text: String) -> Bool {
            let (masked, closed) = PythonCalls.masked(text)
            return closed && PythonSyntaxCheck.problem(in: text) == nil
                && ExpressionCheck.problem(in: String(masked), grammar: .python, known: known) == nil
        }

        /// Whether some line applies the function to one of its own parameters (`tri(n) = …`):
        /// the docstring then defines a sequence by recurrence.
        func definesSequence(_ lines: [String]) -> Bool {
            guard let parameters = Self.parameters(in: context.signature)?.map(\.name), !parameters.isEmpty else { return false }
            let grammar = ExpressionGrammar.python
            return lines.contains { line in
                let masked = PythonCalls.masked(line).chars
                return PythonCalls.calls(of: entry, in: masked).contains { call in
                    let tokens = ExpressionCheck.tokens(of: Array(masked[(call.open + 1)..<call.close]), grammar: grammar) ?? []
                    return tokens.contains { token in
                        if case .name(let name) = token { return parameters.contains(name) }
                        return false
                    }
                }
            }
        }

        static func withoutBullet(_ line: String) -> String {
            for bullet in ["* ", "- ", "• "] where line.hasPrefix(bullet) {
                return line.dropFirst(bullet.count).trimmingCharacters(in: .whitespaces)
            }
            return line
        }

        /// Functions, classes, imported names and constants the preamble defines.
        static func definedNames(in preamble: String) -> [String] {
            PythonSource(preamble).statements.filter { $0.indent == 0 }.flatMap { statement -> [String] in
                if let name = statement.definedName { return [name] }
                if statement.isImport {
                    var text = Substring(statement.text)
                    if text.hasPrefix("from "), let range = text.range(of: " import ") { text = text[range.upperBound...] }
                    else { text = text.dropFirst("import ".count) }
                    let list = text.filter { $0 != "(" && $0 != ")" && $0 != "\\" && $0 != "\n" }
                    return list.split(separator: ",").compactMap { item in
                        let words = item.split(separator: " ")
                        guard let first = words.first else { return nil }
                        if words.count == 3 && words[1] == "as" { return String(words[2]) }
                        return first == "*" ? nil : String(first.prefix { $0 != "." })
                    }
                }
                if PythonContextFinder.isConstantAssignment(statement.text) {
                    return [String(statement.text.prefix { PythonCalls.isIdentifierChar($0) })]
                }
                return []
            }
        }
    }
}

extension ExpressionGrammar {
    /// Python expressions: literals, names, calls, subscripts, comprehensions, keyword arguments.
    static let python = ExpressionGrammar(
        binarySymbols: ["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", ">", "<=", ">=", "&", "|", "^", "<<", ">>", "@"],
        unarySymbols: ["-", "+", "~", "*", "**"],
        binaryWords: ["and", "or", "in", "not in", "is", "is not", "if", "else"],
        unaryWords: ["not"],
        builtins: ["True", "False", "None", "abs", "all", "any", "bin", "bool", "bytes", "chr", "complex", "dict",
                   "divmod", "enumerate", "filter", "float", "frozenset", "hex", "int", "isinstance", "len", "list",
                   "map", "max", "min", "oct", "ord", "pow", "range", "repr", "reversed", "round", "set", "sorted",
                   "str", "sum", "tuple", "type", "zip"],
        quotes: ["\"", "'"], stringPrefixes: ["r", "b", "u", "f", "rb", "br", "fr", "rf"], adjacentStrings: true,
        keywordArguments: true, comprehensionWord: "for")
}
