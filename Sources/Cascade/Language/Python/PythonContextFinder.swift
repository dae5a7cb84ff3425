import Foundation

/// Finds the Python function being written at a line and everything needed to prompt
/// for it and to test it.
struct PythonContextFinder {
    let source: PythonSource

    init(text: String) {
        source = PythonSource(text)
    }

    func context(line: Int) -> CompletionContext {
        let statements = source.statements
        guard !source.lines.isEmpty else { return plain(line: 0, reason: Self.outsideReason) }
        let cursor = min(max(line, 0), source.lines.count - 1)

        let containing = statements.indices.filter { index in
            (statements[index].isDef || statements[index].isClass) && contains(cursor, definition: index)
        }
        guard let innermost = containing.max(by: { statements[$0].indent < statements[$1].indent }) else {
            return plain(line: cursor, reason: Self.outsideReason)
        }
        let ancestors = enclosingStatements(of: innermost)
        let target = statements[innermost]
        let name = target.definedName ?? "?"

        if PythonScanner.headerColon(in: target.text) == nil {
            return plain(line: cursor, reason: "the signature of '\(name)' is not finished (no closing ':'); plain completion checked for syntax only")
        }
        if target.isClass {
            return plain(line: cursor, reason: "the cursor is in the body of class '\(name)', not in a function; plain completion checked for syntax only")
        }
        if let outerDef = ancestors.last(where: { statements[$0].isDef }) {
            let outer = statements[outerDef].definedName ?? "?"
            return function(at: innermost, cursor: cursor, kind: .nestedFunction, classIndex: nil, unit: ancestors[0],
                            reason: "nested function '\(name)' inside '\(outer)' cannot be tested in isolation; plain completion checked for syntax only")
        }
        if let outermost = ancestors.first {
            if ancestors.count == 1 && statements[outermost].isClass {
                return function(at: innermost, cursor: cursor, kind: .method, classIndex: outermost, unit: outermost, reason: nil)
            }
            let what = ancestors.contains { statements[$0].isClass } ? "method '\(name)' of a nested class" : "function '\(name)' inside an indented block"
            return function(at: innermost, cursor: cursor, kind: .nestedFunction, classIndex: nil, unit: outermost,
                            reason: "\(what) cannot be tested in isolation; plain completion checked for syntax only")
        }
        return function(at: innermost, cursor: cursor, kind: .function, classIndex: nil, unit: innermost, reason: nil)
    }

    static let outsideReason = "the cursor is not inside a function; plain completion checked for syntax only"

    // MARK: - Containment

    /// The statements whose blocks hold the statement at `index`, outermost first.
    private func enclosingStatements(of index: Int) -> [Int] {
        let statements = source.statements
        var result: [Int] = []
        var indent = statements[index].indent
        var candidate = index - 1
        while candidate >= 0 && indent > 0 {
            if statements[candidate].indent < indent {
                result.insert(candidate, at: 0)
                indent = statements[candidate].indent
            }
            candidate -= 1
        }
        return result
    }

    /// Whether `line` belongs to the definition at `index`: from its decorators to its last
    /// line, plus the blank lines after it while its body is still empty or a placeholder.
    private func contains(_ line: Int, definition index: Int) -> Bool {
        let statements = source.statements
        let first = statements[source.decoratorsStart(of: index)].first
        let lastContent = source.lastContentLine(of: index)
        if line >= first && line <= lastContent { return true }
        guard line > lastContent else { return false }
        let end = source.blockEnd(of: index)
        let trailingEnd = end < statements.count ? statements[end].first : source.lines.count
        return line < trailingEnd && body(of: index).isPlaceholder
    }

    private struct Body {
        var docstring: Int?
        var code: Range<Int>
        var inlineColon: String.Index?
        var isPlaceholder: Bool
    }

    private func body(of index: Int) -> Body {
        let statements = source.statements
        let end = source.blockEnd(of: index)
        var next = index + 1
        var docstring: Int?
        if next < end && statements[next].isStringLiteral {
            docstring = next
            next += 1
        }
        let header = statements[index].text
        var inline: String.Index?
        if let colon = PythonScanner.headerColon(in: header) {
            let rest = PythonScanner.stripComment(String(header[header.index(after: colon)...]))
            if !rest.allSatisfy(\.isWhitespace) { inline = colon }
        }
        let code = next..<max(next, end)
        var placeholder = code.allSatisfy { statements[$0].isPlaceholder }
        if let inline {
            let rest = String(PythonScanner.stripComment(String(header[header.index(after: inline)...])))
                .trimmingCharacters(in: .whitespaces)
            placeholder = rest == "..." || rest == "pass"
        }
        return Body(docstring: docstring, code: code, inlineColon: inline, isPlaceholder: placeholder)
    }

    // MARK: - Building the context

    private func function(
        at index: Int, cursor: Int, kind: CompletionContext.Kind, classIndex: Int?, unit: Int, reason: String?
    ) -> CompletionContext {
        let statements = source.statements
        let def = statements[index]
        let body = body(of: index)
        let decoratorStart = source.decoratorsStart(of: index)
        let decorators = statements[decoratorStart..<index].map(\.text)

        var signature = def.text
        var lead = ""
        var start: Int
        var end: Int
        if let colon = body.inlineColon {
            // `def f(x): ...` on one line: the completion rewrites the header's last line.
            signature = String(def.text[...colon])
            let lastLineStart = def.text[..<colon].lastIndex(of: "\n").map { def.text.index(after: $0) }
            lead = (lastLineStart == nil ? def.indentText : "")
                + String(def.text[(lastLineStart ?? def.text.startIndex)...colon]) + "\n"
            start = def.last
            end = def.last + 1
        } else {
            start = (body.docstring.map { statements[$0].last } ?? def.last) + 1
            end = body.code.isEmpty ? start : statements[body.code.last!].last + 1
        }
        // Blank lines from the end of the body down to the cursor are replaced too.
        if cursor >= end && (end..<(cursor + 1)).allSatisfy({ source.lines[$0].allSatisfy(\.isWhitespace) }) {
            end = cursor + 1
        }

        let bodyIndent: String
        if let docstring = body.docstring {
            bodyIndent = statements[docstring].indentText
        } else if let first = body.code.first {
            bodyIndent = statements[first].indentText
        } else {
            bodyIndent = def.indentText + (def.indentText.contains("\t") ? "\t" : indentUnit())
        }

        let unitStart = statements[source.decoratorsStart(of: unit)].first
        let unitEnd = source.lastContentLine(of: unit) + 1
        let preambleItems = preamble(before: unitStart)
        let preamble = preambleItems.joined()
        let headerText = source.text(statements[decoratorStart].first..<start)
        let programHead: String
        let programTail: String
        var promptCode: String
        switch kind {
        case .function:
            programHead = joinedProgram(preamble, source.text(unitStart..<start) + lead)
            programTail = ""
            promptCode = joinedProgram(promptPreamble(preambleItems), headerText + lead)
        case .method:
            programHead = joinedProgram(preamble, source.text(unitStart..<start) + lead)
            programTail = source.text(end..<max(end, unitEnd))
            promptCode = joinedProgram(promptPreamble(preambleItems), source.text(unitStart..<start) + lead)
        case .nestedFunction, .plain:
            // A syntax check compiles the whole enclosing top-level definition.
            programHead = source.text(unitStart..<start) + lead
            programTail = source.text(end..<max(end, unitEnd))
            promptCode = joinedProgram(promptPreamble(preambleItems), source.text(unitStart..<start) + lead)
        }
        if lead.isEmpty && promptCode.hasSuffix("\n") == false { promptCode += "\n" }

        return CompletionContext(
            languageId: "python", kind: kind, entryPoint: def.definedName,
            className: classIndex.flatMap { statements[$0].definedName },
            signature: signature,
            docstring: body.docstring.map { statements[$0].text },
            decorators: decorators, preamble: preamble, promptCode: promptCode,
            bodyIndent: bodyIndent, startLine: start, endLine: end, completionLead: lead,
            prefix: source.text(0..<start), suffix: source.text(end..<source.lines.count),
            programHead: programHead, programTail: programTail, untestableReason: reason,
            bodyIsPlaceholder: body.isPlaceholder)
    }

    private func plain(line: Int, reason: String) -> CompletionContext {
        PlainContext.at(text: SourceLines.join(source.lines), line: line, languageId: "python", reason: reason)
    }

    private func joinedProgram(_ preamble: String, _ code: String) -> String {
        preamble.isEmpty ? code : preamble + "\n\n" + code
    }

    /// The indentation step the file uses (four spaces when it shows none).
    private func indentUnit() -> String {
        let widths = source.statements.map(\.indentText).filter { !$0.isEmpty && !$0.contains("\t") }
        return widths.min(by: { $0.count < $1.count }) ?? "    "
    }

    // MARK: - Preamble

    /// Top-level imports, functions, classes and constant-like assignments above `line`,
    /// each as written; stubs without a body get `pass`; items that fail the light syntax
    /// check are left out so one broken definition cannot break every test run.
    func preamble(before line: Int) -> [String] {
        let statements = source.statements
        var items: [String] = []
        var index = 0
        while index < statements.count && statements[index].first < line {
            let statement = statements[index]
            if statement.indent != 0 {
                index += 1
                continue
            }
            if statement.isImport || Self.isConstantAssignment(statement.text) {
                items.append(source.text(statement.first..<(statement.last + 1)))
                index += 1
                continue
            }
            guard statement.isDecorator || statement.isDef || statement.isClass else {
                index = source.blockEnd(of: index)
                continue
            }
            var definition = index
            while definition < statements.count && statements[definition].isDecorator { definition += 1 }
            guard definition < statements.count, statements[definition].isDef || statements[definition].isClass,
                  statements[definition].indent == 0 else {
                index = definition
                continue
            }
            let last = source.lastContentLine(of: definition)
            guard last < line else { break }
            var item = source.text(statement.first..<(last + 1))
            if source.blockEnd(of: definition) == definition + 1 && body(of: definition).inlineColon == nil {
                item += "    pass\n"
            }
            if PythonSyntaxCheck.problem(in: item) == nil { items.append(item) }
            index = source.blockEnd(of: definition)
        }
        return items
    }

    /// The preamble as shown to a model: whole when short, else imports and signatures only.
    private func promptPreamble(_ items: [String]) -> String {
        let whole = items.joined()
        guard whole.count > 4000 else { return whole }
        return items.map { item in
            if item.hasPrefix("import ") || item.hasPrefix("from ") { return item }
            let lines = item.split(separator: "\n", omittingEmptySubsequences: false)
            guard let header = lines.firstIndex(where: { $0.hasPrefix("def ") || $0.hasPrefix("async def ") || $0.hasPrefix("class ") })
            else { return "" }
            return lines[...header].joined(separator: "\n") + "\n    ...\n"
        }.joined()
    }

    /// `NAME = …` or `Name: T = …` where the name starts with a capital (constants, type aliases).
    static func isConstantAssignment(_ text: String) -> Bool {
        guard let first = text.first, first.isUppercase else { return false }
        let name = text.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        let rest = text.dropFirst(name.count).drop(while: { $0 == " " })
        if rest.hasPrefix("==") { return false }
        return rest.hasPrefix("=") || rest.hasPrefix(":")
    }
}
