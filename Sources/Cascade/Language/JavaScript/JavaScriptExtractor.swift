import Foundation

/// Pulls usable code and tests out of raw JavaScript output of small models: fenced
/// (```javascript, ```js) or not, with prose around it, the signature and JSDoc repeated,
/// and `console.log` calls, example calls, `module.exports` and (often wrong) asserts
/// appended after the function.
struct JavaScriptExtractor {
    let context: CompletionContext

    // MARK: - Solutions

    func solution(from raw: String) -> SolutionCandidate? {
        guard let entry = context.entryPoint, let body = body(from: raw, entry: entry) else { return nil }
        return SolutionCandidate(completion: completion(body: body), program: context.program(withBody: body))
    }

    /// The text that replaces the document lines: the body, or the rewritten brace lines around it.
    func completion(body: String) -> String {
        guard !context.completionLead.isEmpty else { return body }
        let closing = context.promptTail.prefix { $0 != "\n" } + "\n"
        return context.completionLead + body + closing
    }

    /// The body for the entry point, indented for the document, with helpers and requires the
    /// model added nested at its top; nil when the output has no implementation.
    func body(from raw: String, entry: String) -> String? {
        let blocks = CodeFences.blocks(in: raw)
        let fenced = !blocks.isEmpty
        let allCode = fenced ? blocks.map(\.code).joined(separator: "\n") : raw
        guard !allCode.allSatisfy(\.isWhitespace) else { return nil }
        let code = Self.closingUnclosedBraces(Self.normalised(allCode))
        let source = JavaScriptSource(code)
        let candidates = source.functions().filter { $0.name == entry && $0.form != .other }
            .sorted { rank($0) < rank($1) }

        var bodyLines: [String]
        var unit: Range<Int>?
        if let chosen = candidates.lazy.compactMap({ function in implementationLines(of: function, in: source).map { (function, $0) } }).first {
            bodyLines = chosen.1
            let top = source.enclosing(chosen.0.open).first ?? chosen.0.open
            let startLine = source.line(of: chosen.0.form == .method ? (source.classes().first { $0.open == top }?.headerStart ?? chosen.0.headerStart) : chosen.0.headerStart)
            unit = startLine..<(source.line(of: source.partner[top] ?? chosen.0.close) + 1)
        } else if let expression = arrowExpression(named: entry, in: source) {
            bodyLines = ["return \(expression.text);"]
            unit = expression.lines
        } else if candidates.isEmpty, fenced || source.text(ofLine: 0).first == " " || source.text(ofLine: 0).first == "\t",
                  !Self.declaresSomething(source) {
            // Only a body came back.
            bodyLines = Self.dedented(SourceLines.split(code))
        } else {
            return nil
        }
        while bodyLines.last?.allSatisfy(\.isWhitespace) == true { bodyLines.removeLast() }
        while bodyLines.first?.allSatisfy(\.isWhitespace) == true { bodyLines.removeFirst() }
        guard !bodyLines.isEmpty,
              !JavaScriptContextFinder.isPlaceholder(masked: String(JavaScriptSource(SourceLines.join(bodyLines)).masked)) else { return nil }

        let helpers = helperLines(in: source, excluding: unit, entry: entry)
        var lines = helpers
        if !helpers.isEmpty { lines.append("") }
        lines += bodyLines
        guard JavaScriptSyntaxCheck.problem(in: SourceLines.join(lines)) == nil else { return nil }
        return indented(lines)
    }

    /// Methods of the wanted class first, then any method, then plain functions.
    private func rank(_ function: JavaScriptFunction) -> Int {
        switch function.form {
        case .method where context.kind == .method: return function.className == context.className ? 0 : 1
        case .method: return 3
        default: return context.kind == .method ? 2 : 0
        }
    }

    /// Body lines (dedented) of a function; nil when it is only a placeholder.
    private func implementationLines(of function: JavaScriptFunction, in source: JavaScriptSource) -> [String]? {
        let masked = source.maskedText((function.open + 1)..<function.close)
        guard !JavaScriptContextFinder.isPlaceholder(masked: masked) else { return nil }
        let openLine = source.line(of: function.open)
        let closeLine = source.line(of: function.close)
        if openLine == closeLine {
            return [source.text((function.open + 1)..<function.close).trimmingCharacters(in: .whitespaces)]
        }
        var lines: [String] = []
        let afterOpen = source.text((function.open + 1)..<source.bounds(ofLine: openLine).upperBound)
        if !afterOpen.allSatisfy(\.isWhitespace) { lines.append(afterOpen.trimmingCharacters(in: .whitespaces)) }
        lines += ((openLine + 1)..<closeLine).map { source.text(ofLine: $0) }
        let beforeClose = source.text(source.bounds(ofLine: closeLine).lowerBound..<function.close)
        if !beforeClose.allSatisfy(\.isWhitespace) { lines.append(beforeClose) }
        return Self.dedented(lines)
    }

    /// `const name = (…) => expression;` at top level: the expression and the item's lines.
    private func arrowExpression(named entry: String, in source: JavaScriptSource) -> (text: String, lines: Range<Int>)? {
        for item in source.topLevelItems() {
            let masked = item.map { source.maskedLine($0) }.joined(separator: "\n")
            let text = source.text(lines: item)
            var declaration = Substring(masked.trimmingCharacters(in: .whitespaces))
            if declaration.hasPrefix("export ") { declaration = declaration.dropFirst(7) }
            guard ["const ", "let ", "var "].contains(where: { declaration.hasPrefix($0) }) else { continue }
            let afterKeyword = declaration.drop { $0 != " " }.drop { $0 == " " }
            guard afterKeyword.hasPrefix(entry), afterKeyword.dropFirst(entry.count).drop(while: { $0 == " " }).hasPrefix("="),
                  let arrow = masked.range(of: "=>") else { continue }
            let offset = masked.distance(from: masked.startIndex, to: arrow.upperBound)
            var expression = String(text.dropFirst(offset)).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !expression.hasPrefix("{") else { continue }
            while expression.hasSuffix(";") { expression.removeLast() }
            guard !expression.isEmpty else { continue }
            return (expression, item)
        }
        return nil
    }

    /// Requires, functions, classes and simple constants the model added at top level, minus
    /// those the document already has; asserts, `console.log`, calls and exports are dropped.
    private func helperLines(in source: JavaScriptSource, excluding unit: Range<Int>?, entry: String) -> [String] {
        let known = Set(SourceLines.split(context.preamble + context.promptCode).map { $0.trimmingCharacters(in: .whitespaces) })
        let knownNames = Set(JavaScriptSource(context.preamble + context.promptCode + "\n" + context.promptTail).functions().map(\.name)
            + JavaScriptSource(context.preamble).classes().map(\.name))
        var lines: [String] = []
        for item in source.topLevelItems() {
            if let unit, unit.overlaps(item) { continue }
            let masked = item.map { source.maskedLine($0) }.joined(separator: "\n").trimmingCharacters(in: .whitespaces)
            guard JavaScriptContextFinder.isDefinition(masked: masked) else { continue }
            let itemSource = JavaScriptSource(source.text(lines: item))
            let names = itemSource.functions().filter { itemSource.enclosing($0.open).isEmpty }.map(\.name)
                + itemSource.classes().map(\.name)
            if names.contains(entry) || names.contains(where: knownNames.contains) { continue }
            if let className = context.className, names.contains(className) { continue }
            if JavaScriptExtractor.mentions(entry, in: masked) && names.isEmpty { continue }
            if masked.contains("require(") && (masked.contains("'assert'") || masked.contains("\"assert\"") || masked.contains("node:assert")) { continue }
            let converted = SourceLines.split(JavaScriptContextFinder.script(source.text(lines: item)))
            if converted.isEmpty || (converted.count == 1 && known.contains(converted[0].trimmingCharacters(in: .whitespaces))) { continue }
            if !lines.isEmpty && converted.count > 1 { lines.append("") }
            lines += converted
        }
        return lines
    }

    private static func declaresSomething(_ source: JavaScriptSource) -> Bool {
        source.topLevelItems().contains { item in
            let first = source.maskedLine(item.lowerBound).trimmingCharacters(in: .whitespaces)
            return first.hasPrefix("function ") || first.hasPrefix("class ") || first.hasPrefix("export ")
                || first.hasPrefix("async function")
        }
    }

    /// Lines indented for the document's body.
    private func indented(_ lines: [String]) -> String {
        CodeLayout.indented(lines, bodyIndent: context.bodyIndent, defaultUnit: 2)
    }

    /// Leading tabs become 2 spaces each, fence lines go; CRLF becomes LF.
    static func normalised(_ code: String) -> String {
        CodeLayout.normalised(code, tabWidth: 2)
    }

    /// Output cut off by a stop sequence may end inside the function: close what is open.
    static func closingUnclosedBraces(_ code: String) -> String {
        let source = JavaScriptSource(code)
        guard let problem = source.problem, problem == "'{' was never closed" else { return code }
        let open = source.masked.indices.filter { source.masked[$0] == "{" && source.partner[$0] == nil }.count
        let closed = code + String(repeating: "}\n", count: open)
        return JavaScriptSource(closed).problem == nil ? closed : code
    }

    /// Removes the smallest indentation of the non-blank lines.
    static func dedented(_ lines: [String]) -> [String] {
        let width = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return lines.map { line in String(line.dropFirst(min(width, line.prefix { $0 == " " }.count))) }
    }

    // MARK: - Tests

    /// The first `limit` distinct assertions on the entry point that pass the light syntax
    /// check, each on one line ending in `;`.
    func tests(from raw: String, limit: Int) -> [String] {
        guard let entry = context.entryPoint, limit > 0 else { return [] }
        let blocks = CodeFences.blocks(in: raw)
        let code = Self.normalised(blocks.isEmpty ? raw : blocks.map(\.code).joined(separator: "\n"))
        return AssertionCollector.distinct(
            Self.assertStatements(in: code), limit: limit,
            accepts: { text in
                calls(entry, in: text) && (context.className.map { Self.mentions($0, in: text) } ?? true)
            },
            key: Self.key)
    }

    /// Assertion statements, found line by line so that one broken line cannot swallow the
    /// ones after it; a statement may continue over up to four more lines.
    static func assertStatements(in code: String) -> [String] {
        let lines = SourceLines.split(code)
        var statements: [String] = []
        var index = 0
        while index < lines.count {
            let stripped = lines[index].trimmingCharacters(in: .whitespaces)
            guard isAssertionStart(stripped) else {
                index += 1
                continue
            }
            if let (text, last) = AssertionCollector.statement(
                startingWith: stripped, at: index, in: lines,
                isComplete: { JavaScriptSyntaxCheck.problem(in: $0) == nil }, stopsBefore: isAssertionStart),
                let statement = normalisedAssertion(text) {
                statements.append(statement)
                index = last + 1
            } else {
                index += 1
            }
        }
        return statements
    }

    private static func isAssertionStart(_ line: String) -> Bool {
        ["assert.", "assert(", "await assert.", "expect(", "console.assert("].contains { line.hasPrefix($0) }
    }

    /// One line, comments dropped, ending in `;`; `expect(x).toBe(y)` and `console.assert(x)`
    /// become `assert` calls. Nil when it is not a single complete call.
    static func normalisedAssertion(_ text: String) -> String? {
        let source = JavaScriptSource(text)
        var kept = ""
        var commentIndex = source.comments.startIndex
        for (offset, char) in source.chars.enumerated() {
            while commentIndex < source.comments.endIndex && source.comments[commentIndex].upperBound <= offset { commentIndex += 1 }
            if commentIndex < source.comments.endIndex && source.comments[commentIndex].contains(offset) { continue }
            kept.append(char)
        }
        var line = SourceLines.split(kept).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            .replacing("( ", with: "(").replacing("[ ", with: "[").replacing(" )", with: ")").replacing(" ]", with: "]")
        line = line.trimmingCharacters(in: .whitespaces)
        while line.hasSuffix(";") { line.removeLast() }
        line = line.trimmingCharacters(in: .whitespaces)
        guard line.hasSuffix(")") else { return nil }
        if line.hasPrefix("console.assert(") { line = "assert.ok(" + line.dropFirst("console.assert(".count) }
        if line.hasPrefix("expect(") {
            guard let converted = expectAsAssert(line) else { return nil }
            line = converted
        }
        guard JavaScriptSyntaxCheck.problem(in: line) == nil, !line.contains(";") || literalSemicolonsOnly(line) else { return nil }
        return deepWhereNeeded(line) + ";"
    }

    /// `expect(actual).toBe(expected)` → `assert.strictEqual(actual, expected)`; `toEqual` and
    /// `toStrictEqual` → `assert.deepStrictEqual`; `toBeTruthy()` → `assert.ok`.
    static func expectAsAssert(_ line: String) -> String? {
        let source = JavaScriptSource(line)
        guard let open = source.masked.firstIndex(of: "("), let close = source.partner[open] else { return nil }
        let actual = source.text((open + 1)..<close)
        let rest = String(source.chars[(close + 1)...])
        let matchers: [(String, String)] = [(".toBe(", "assert.strictEqual"), (".toEqual(", "assert.deepStrictEqual"),
                                             (".toStrictEqual(", "assert.deepStrictEqual")]
        for (matcher, function) in matchers where rest.hasPrefix(matcher) && rest.hasSuffix(")") {
            return "\(function)(\(actual), \(rest.dropFirst(matcher.count).dropLast()))"
        }
        if rest == ".toBeTruthy()" { return "assert.ok(\(actual))" }
        if rest == ".toBeFalsy()" { return "assert.ok(!(\(actual)))" }
        return nil
    }

    /// `assert.strictEqual(x, [1, 2])` can never pass (a fresh literal is never the same
    /// object): small models write it often, and mean `assert.deepStrictEqual`.
    static func deepWhereNeeded(_ line: String) -> String {
        let rewrites = [("assert.strictEqual(", "assert.deepStrictEqual("), ("assert.equal(", "assert.deepEqual("),
                        ("assert.notStrictEqual(", "assert.notDeepStrictEqual(")]
        guard let (from, to) = rewrites.first(where: { line.hasPrefix($0.0) }) else { return line }
        let source = JavaScriptSource(line)
        let open = from.count - 1
        guard let close = source.partner[open] else { return line }
        // The second argument: after the first comma at the call's own depth.
        var depth = 0
        var comma: Int?
        for index in (open + 1)..<close {
            switch source.masked[index] {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            case "," where depth == 0: comma = comma ?? index
            default: break
            }
        }
        guard let comma else { return line }
        let expected = source.text((comma + 1)..<close).trimmingCharacters(in: .whitespaces)
        guard expected.hasPrefix("[") || expected.hasPrefix("{") else { return line }
        return to + line.dropFirst(from.count)
    }

    private static func literalSemicolonsOnly(_ line: String) -> Bool {
        !JavaScriptSource(line).masked.contains(";")
    }

    /// Whether `text` calls the entry point (for a method, as `.name(`).
    private func calls(_ name: String, in text: String) -> Bool {
        let masked = String(JavaScriptSource(text).masked)
        if context.kind == .method { return masked.contains(".\(name)(") }
        return Self.mentions(name, in: masked)
    }

    static func mentions(_ name: String, in text: String) -> Bool {
        AssertionCollector.mentions(name, in: text, isIdentifierChar: JavaScriptSource.isIdentifierChar)
    }

    /// A de-duplication key: whitespace outside string literals and the final `;` removed.
    static func key(_ text: String) -> String {
        var key = AssertionCollector.key(text, quotes: ["\"", "'", "`"])
        while key.hasSuffix(";") { key.removeLast() }
        return key
    }

    // MARK: - Plain completions

    /// For a nested function, its body; elsewhere the code re-indented to the cursor line.
    func plain(from raw: String) -> String {
        if context.kind == .nestedFunction, let entry = context.entryPoint, let body = body(from: raw, entry: entry) {
            return completion(body: body)
        }
        guard let code = CodeFences.code(in: raw, preferring: nil).map(Self.normalised) else { return "" }
        var lines = Self.dedented(SourceLines.split(code))
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        while lines.first?.allSatisfy(\.isWhitespace) == true { lines.removeFirst() }
        return context.completionLead.isEmpty ? indented(lines) : completion(body: indented(lines))
    }
}
