import Foundation

/// Finds the JavaScript function being written at a line and everything needed to prompt
/// for it and to test it.
///
/// Testable: top-level `function` declarations (also `async`, `export`), top-level
/// `const f = (…) => {…}` / `const f = function (…) {…}`, and methods of top-level classes
/// (tests construct the class). Functions nested in other functions or blocks are completed
/// plainly and checked for syntax only; so is everything outside a function.
struct JavaScriptContextFinder {
    let source: JavaScriptSource

    init(text: String) {
        source = JavaScriptSource(text)
    }

    static let languageId = "javascript"
    static let outsideReason = "the cursor is not inside a function; plain completion checked for syntax only"

    func context(line: Int) -> CompletionContext {
        guard source.lineCount > 0 else { return plain(line: 0, reason: Self.outsideReason) }
        let cursor = min(max(line, 0), source.lineCount - 1)
        let functions = source.functions()
        let containing = functions.filter { contains(cursor, $0) }
        guard let innermost = containing.max(by: { $0.open < $1.open }) else {
            if let body = source.classes().last(where: { source.line(of: $0.open) <= cursor && cursor <= source.line(of: $0.close) }) {
                return plain(line: cursor, reason: "the cursor is in the body of class '\(body.name)', not in a method; plain completion checked for syntax only")
            }
            return plain(line: cursor, reason: Self.outsideReason)
        }
        let enclosing = source.enclosing(innermost.open)
        let unit = enclosing.first ?? innermost.open
        let unitStart = functions.first(where: { $0.open == unit })?.headerStart
            ?? source.classes().first(where: { $0.open == unit })?.headerStart
            ?? innermost.headerStart
        let name = innermost.name
        if let outer = functions.last(where: { $0.open < innermost.open && $0.close > innermost.close }) {
            return build(innermost, cursor: cursor, kind: .nestedFunction, unitStart: unitStart, unitClose: source.partner[unit] ?? innermost.close,
                         reason: "nested function '\(name)' inside '\(outer.name)' cannot be tested in isolation; plain completion checked for syntax only")
        }
        switch innermost.form {
        case .declaration where enclosing.isEmpty, .expression where enclosing.isEmpty:
            return build(innermost, cursor: cursor, kind: .function, unitStart: innermost.headerStart, unitClose: innermost.close, reason: nil)
        case .method where enclosing == [innermost.classOpen] && innermost.classOpen != nil && !(innermost.className ?? "").isEmpty:
            return build(innermost, cursor: cursor, kind: .method, unitStart: unitStart, unitClose: source.partner[unit] ?? innermost.close, reason: nil)
        default:
            let what = innermost.isAccessor ? "accessor '\(name)'" : innermost.form == .other ? "'\(name)' (not a top-level function or class method)"
                : "function '\(name)' inside a block or nested class"
            return build(innermost, cursor: cursor, kind: .nestedFunction, unitStart: unitStart, unitClose: source.partner[unit] ?? innermost.close,
                         reason: "\(what) cannot be tested in isolation; plain completion checked for syntax only")
        }
    }

    /// Whether `line` is within the function, from its doc comment to its closing brace.
    private func contains(_ line: Int, _ function: JavaScriptFunction) -> Bool {
        let first = source.line(of: function.headerStart)
        let docFirst = source.docComment(above: first)?.lowerBound ?? first
        return line >= docFirst && line <= source.line(of: function.close)
    }

    // MARK: - Building the context

    private func build(
        _ function: JavaScriptFunction, cursor: Int, kind: CompletionContext.Kind, unitStart: Int, unitClose: Int, reason: String?
    ) -> CompletionContext {
        let openLine = source.line(of: function.open)
        let closeLine = source.line(of: function.close)
        let headerLine = source.line(of: function.headerStart)
        let afterOpen = source.maskedText((function.open + 1)..<source.bounds(ofLine: openLine).upperBound)
        let beforeClose = source.maskedText(source.bounds(ofLine: closeLine).lowerBound..<function.close)
        let blockLayout = openLine < closeLine && afterOpen.allSatisfy(\.isWhitespace) && beforeClose.allSatisfy(\.isWhitespace)

        let headerIndent = Self.indent(of: source.text(ofLine: headerLine))
        let closingLine = headerIndent + "}" + source.text((function.close + 1)..<source.bounds(ofLine: closeLine).upperBound) + "\n"
        let start: Int, end: Int
        var lead = ""
        if blockLayout {
            start = openLine + 1
            end = closeLine
        } else {
            // `function f() {}` or a body on the brace lines: the completion rewrites those lines.
            lead = source.text(source.bounds(ofLine: openLine).lowerBound..<(function.open + 1)) + "\n"
            start = openLine
            end = closeLine + 1
        }

        let bodyMasked = source.maskedText((function.open + 1)..<function.close)
        let isPlaceholder = Self.isPlaceholder(masked: bodyMasked)
        var bodyIndent = headerIndent + indentUnit(tabs: headerIndent.contains("\t"))
        if blockLayout, let firstCode = (start..<end).first(where: { !source.text(ofLine: $0).allSatisfy(\.isWhitespace) }) {
            bodyIndent = Self.indent(of: source.text(ofLine: firstCode))
        }

        let docRange = source.docComment(above: headerLine)
        let docstring = docRange.map { source.text(lines: $0) }
        let signature = source.text(function.headerStart..<(function.open + 1))
        let unitStartLine = source.docComment(above: source.line(of: unitStart))?.lowerBound ?? source.line(of: unitStart)
        let unitEndLine = source.line(of: unitClose) + 1
        let preambleItems = preamble(before: unitStartLine)
        let preamble = preambleItems.joined()
        let headerText = Self.script(source.text(lines: unitStartLine..<start) + lead)
        let tailText = Self.script(source.text(lines: end..<max(end, unitEndLine)))

        let programHead = Self.joined(kind == .function || kind == .method ? preamble : "", headerText)
        let programTail = (lead.isEmpty ? "" : closingLine) + tailText
        var promptTail = closingLine
        if kind == .method, unitEndLine - 1 > closeLine { promptTail += source.text(ofLine: unitEndLine - 1) + "\n" }
        let promptCode = Self.joined(promptPreamble(preambleItems), kind == .function
            ? Self.script(source.text(lines: (docRange?.lowerBound ?? headerLine)..<start) + lead) : headerText)

        return CompletionContext(
            languageId: Self.languageId, kind: kind, entryPoint: function.name,
            className: kind == .method ? function.className : nil,
            signature: signature, docstring: docstring, decorators: [], preamble: preamble,
            promptCode: promptCode, promptTail: promptTail, bodyIndent: bodyIndent,
            startLine: start, endLine: end, completionLead: lead,
            prefix: source.text(lines: 0..<start), suffix: source.text(lines: end..<source.lineCount),
            programHead: programHead, programTail: programTail, untestableReason: reason,
            bodyIsPlaceholder: isPlaceholder)
    }

    private func plain(line: Int, reason: String) -> CompletionContext {
        PlainContext.at(text: source.text(lines: 0..<source.lineCount), line: line, languageId: Self.languageId, reason: reason)
    }

    /// A body with nothing but comments, or a single `throw new Error(…)`.
    static func isPlaceholder(masked body: String) -> Bool {
        var code = body.filter { !$0.isWhitespace }
        if code.isEmpty { return true }
        if code.hasSuffix(";") { code.removeLast() }
        return code.hasPrefix("thrownewError(") && code.hasSuffix(")") && code.filter { $0 == "(" }.count == 1
    }

    // MARK: - Preamble

    /// Top-level imports, requires, functions, classes and simple constants above `line`, as
    /// script code (`export` dropped, `import` as `require`); items that fail the light syntax
    /// check are left out so one broken definition cannot break every test run.
    func preamble(before line: Int) -> [String] {
        source.topLevelItems().filter { $0.upperBound <= line }.compactMap { item in
            let masked = item.map { source.maskedLine($0) }.joined(separator: "\n").trimmingCharacters(in: .whitespaces)
            guard Self.isDefinition(masked: masked) else { return nil }
            let text = Self.script(source.text(lines: item))
            guard !text.allSatisfy(\.isWhitespace), JavaScriptSyntaxCheck.problem(in: text) == nil else { return nil }
            return text
        }
    }

    /// Imports, requires, function and class declarations, and declarations whose value runs
    /// no code (no call other than `require`).
    static func isDefinition(masked: String) -> Bool {
        var text = Substring(masked)
        for word in ["export default ", "export "] where text.hasPrefix(word) { text = text.dropFirst(word.count) }
        if text.hasPrefix("import ") || text.hasPrefix("function ") || text.hasPrefix("function*") || text.hasPrefix("async function")
            || text.hasPrefix("class ") { return true }
        guard text.hasPrefix("const ") || text.hasPrefix("let ") || text.hasPrefix("var ") else { return false }
        if text.contains("=>") || text.contains("function") || text.contains("require(") { return true }
        return !text.contains("(")
    }

    /// The preamble as shown to a model: whole when short, else imports and first lines only.
    private func promptPreamble(_ items: [String]) -> String {
        let whole = items.joined()
        guard whole.count > 4000 else { return whole }
        return items.map { item in
            let first = item.prefix { $0 != "\n" }
            return first.contains("require(") || first.hasPrefix("import ") ? item : first.hasSuffix("{") ? first + " … }\n" : ""
        }.joined()
    }

    // MARK: - Helpers

    static func script(_ text: String) -> String {
        SourceLines.split(text).compactMap { JavaScriptModules.scriptForm($0) }.reduce(into: "") { $0 += $1 + "\n" }
    }

    static func indent(of line: String) -> String { String(line.prefix { $0 == " " || $0 == "\t" }) }

    private static func joined(_ preamble: String, _ code: String) -> String {
        preamble.isEmpty ? code : preamble + "\n" + code
    }

    /// The indentation step the file uses (two spaces when it shows none).
    private func indentUnit(tabs: Bool) -> String {
        if tabs { return "\t" }
        let widths = (0..<source.lineCount).compactMap { line -> Int? in
            let width = source.text(ofLine: line).prefix { $0 == " " }.count
            return width > 0 && !source.isBlank(line: line) ? width : nil
        }
        return String(repeating: " ", count: widths.min() ?? 2)
    }
}
