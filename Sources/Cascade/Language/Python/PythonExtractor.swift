import Foundation

/// Pulls usable code and tests out of raw output of small models: fenced or not, with prose
/// around it, the signature and docstring repeated, and example calls, prints, `if __name__`
/// blocks and (often wrong) asserts appended after the function.
struct PythonExtractor {
    let context: CompletionContext

    // MARK: - Solutions

    /// The body for the completion; imports Python accepts only at module level (`from m
    /// import *`, `from __future__ import …`) go to the top of the program and, through
    /// `moduleImports`, to the top of the document, since nested they are a SyntaxError.
    func solution(from raw: String) -> SolutionCandidate? {
        guard let entry = context.entryPoint, let extracted = extraction(from: raw, entry: entry, hoisting: true) else { return nil }
        let program = PythonModuleImports.inserting(extracted.moduleImports, into: context.program(withBody: extracted.body))
        return SolutionCandidate(
            completion: context.completionLead + extracted.body, program: program, moduleImports: extracted.moduleImports)
    }

    /// The body for the entry point, indented for the document, with helpers and imports the
    /// model added nested at its top; nil when the output has no implementation.
    func body(from raw: String, entry: String) -> String? {
        extraction(from: raw, entry: entry, hoisting: false)?.body
    }

    /// A body, and the imports the model added that must stay at module level (always empty
    /// unless `hoisting`: otherwise they are nested with the rest).
    private func extraction(from raw: String, entry: String, hoisting: Bool) -> (body: String, moduleImports: [String])? {
        // Every fenced block together (a stub copy in one and the implementation in another),
        // else the whole text.
        let blocks = CodeFences.blocks(in: raw)
        let fenced = !blocks.isEmpty
        let allCode = fenced ? blocks.map(\.code).joined(separator: "\n") : raw
        guard !allCode.allSatisfy(\.isWhitespace) else { return nil }
        let code = Self.normalised(allCode)
        let source = PythonSource(code)
        let statements = source.statements
        let definitions = statements.indices.filter { statements[$0].isDef && statements[$0].definedName == entry }

        var bodyLines: [String]
        var unitRange: Range<Int>? = nil
        if let chosen = definitions.lazy.compactMap({ index in implementationLines(of: index, in: source).map { (index, $0) } }).first {
            bodyLines = chosen.1
            let definition = chosen.0
            // The top-level statement that holds the definition (itself, or its class).
            var top = definition
            while top > 0 && statements[top].indent > 0 { top -= 1 }
            unitRange = top..<source.blockEnd(of: top)
        } else if definitions.isEmpty, fenced || statements.first.map({ $0.indent > 0 }) == true {
            // Only a body came back.
            bodyLines = Self.dedented(source.lines)
        } else {
            return nil
        }
        while bodyLines.last?.allSatisfy(\.isWhitespace) == true { bodyLines.removeLast() }
        while bodyLines.first?.allSatisfy(\.isWhitespace) == true { bodyLines.removeFirst() }
        guard !bodyLines.isEmpty else { return nil }
        if unitRange == nil {
            let asBody = PythonSource(SourceLines.join(bodyLines)).statements
            guard !asBody.isEmpty, !asBody.allSatisfy(\.isPlaceholder) else { return nil }
        }

        let (helpers, moduleImports) = helperLines(in: source, excluding: unitRange, entry: entry, hoisting: hoisting)
        var lines = helpers
        if !helpers.isEmpty { lines.append("") }
        lines += bodyLines
        let joined = SourceLines.join(moduleImports + lines)
        guard PythonSyntaxCheck.problem(in: joined) == nil else { return nil }
        return (indented(lines), moduleImports)
    }

    /// Body lines (dedented) of the definition at `index`; nil when it is only a placeholder.
    private func implementationLines(of index: Int, in source: PythonSource) -> [String]? {
        let statements = source.statements
        let def = statements[index]
        let end = source.blockEnd(of: index)
        if let colon = PythonScanner.headerColon(in: def.text) {
            let inline = String(PythonScanner.stripComment(String(def.text[def.text.index(after: colon)...])))
                .trimmingCharacters(in: .whitespaces)
            if !inline.isEmpty {
                return inline == "..." || inline == "pass" ? nil : [inline]
            }
        }
        var next = index + 1
        if next < end && statements[next].isStringLiteral { next += 1 }
        guard next < end, !statements[next..<end].allSatisfy(\.isPlaceholder) else { return nil }
        let lines = Array(source.lines[statements[next].first...source.lastContentLine(of: index)])
        return Self.dedented(lines)
    }

    /// Imports, definitions and constants the model added at top level, minus those the
    /// document already has; asserts, prints, calls and `if __name__` blocks are dropped.
    /// When `hoisting`, imports that must stay at module level come back apart, each once,
    /// future imports first.
    private func helperLines(
        in source: PythonSource, excluding unit: Range<Int>?, entry: String, hoisting: Bool
    ) -> (nested: [String], moduleLevel: [String]) {
        let statements = source.statements
        let known = Set(context.preamble.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let knownNames = Set(PythonSource(context.preamble + context.promptCode).statements.compactMap(\.definedName))
        var lines: [String] = []
        var moduleLevel: [String] = []
        var index = 0
        while index < statements.count {
            let statement = statements[index]
            if let unit, unit.contains(index) {
                index = unit.upperBound
                continue
            }
            guard statement.indent == 0 else {
                index += 1
                continue
            }
            if statement.isImport {
                let text = statement.text.trimmingCharacters(in: .whitespaces)
                if hoisting && statement.isModuleLevelImport {
                    moduleLevel.append(text)
                } else if !known.contains(text) {
                    lines += source.lines[statement.first...statement.last]
                }
                index += 1
                continue
            }
            if PythonContextFinder.isConstantAssignment(statement.text) {
                lines += source.lines[statement.first...statement.last]
                index += 1
                continue
            }
            var definition = index
            while definition < statements.count && statements[definition].isDecorator { definition += 1 }
            if definition < statements.count, statements[definition].indent == 0,
               statements[definition].isDef || statements[definition].isClass,
               let name = statements[definition].definedName, name != entry, !knownNames.contains(name) {
                if !lines.isEmpty { lines.append("") }
                lines += source.lines[statement.first...source.lastContentLine(of: definition)]
                index = source.blockEnd(of: definition)
                continue
            }
            index = source.blockEnd(of: max(index, min(definition, statements.count - 1)))
        }
        return (lines, PythonModuleImports.missing(moduleLevel, in: PythonSource(context.preamble)))
    }

    /// Lines indented for the document's body.
    private func indented(_ lines: [String]) -> String {
        CodeLayout.indented(lines, bodyIndent: context.bodyIndent, defaultUnit: 4)
    }

    /// Leading tabs become 4 spaces each, fence lines go; CRLF becomes LF.
    static func normalised(_ code: String) -> String {
        CodeLayout.normalised(code, tabWidth: 4)
    }

    /// Removes the smallest indentation of the non-blank lines (only where present).
    static func dedented(_ lines: [String]) -> [String] {
        let width = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return lines.map { line in
            let available = line.prefix { $0 == " " }.count
            return String(line.dropFirst(min(width, available)))
        }
    }

    // MARK: - Tests

    /// The first `limit` distinct assert statements on the entry point that pass the light
    /// syntax check, each on one line.
    func tests(from raw: String, limit: Int) -> [String] {
        guard let entry = context.entryPoint, limit > 0 else { return [] }
        let blocks = CodeFences.blocks(in: raw)
        let code = Self.normalised(blocks.isEmpty ? raw : blocks.map(\.code).joined(separator: "\n"))
        return AssertionCollector.distinct(
            Self.assertStatements(in: code), limit: limit,
            prepared: { statement in
                let text = String(PythonScanner.stripComment(statement)).trimmingCharacters(in: .whitespaces)
                guard text.contains("\n") else { return text }
                return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                    .replacing("( ", with: "(").replacing("[ ", with: "[")
            },
            accepts: { text in
                calls(entry, in: text) && (context.className.map { Self.mentions($0, in: text) } ?? true)
            },
            key: Self.key)
    }

    /// Assert statements, each found line by line so that one broken line cannot swallow the
    /// ones after it: a line starting with `assert` is a statement when it passes the light
    /// syntax check alone or joined with up to four continuation lines.
    static func assertStatements(in code: String) -> [String] {
        let lines = SourceLines.split(code)
        var statements: [String] = []
        var index = 0
        while index < lines.count {
            var stripped = lines[index].trimmingCharacters(in: .whitespaces)
            if let converted = unittestAssertion(stripped) { stripped = converted }
            if stripped.hasPrefix(">>> "), index + 1 < lines.count,
               let converted = doctestAssertion(stripped, expected: lines[index + 1]) {
                statements.append(converted)
                index += 2
                continue
            }
            guard stripped.hasPrefix("assert ") || stripped.hasPrefix("assert(") else {
                index += 1
                continue
            }
            if let (text, last) = AssertionCollector.statement(
                startingWith: stripped, at: index, in: lines,
                isComplete: { PythonSyntaxCheck.problem(in: $0) == nil },
                stopsBefore: { $0.hasPrefix("assert") || $0.contains("\"\"\"") || $0.contains("'''") }) {
                statements.append(text)
                index = last + 1
            } else {
                index += 1
            }
        }
        return statements
    }

    /// `>>> f(1)` followed by `2`, as `assert f(1) == 2`; nil when either line is not a
    /// single well-formed expression.
    static func doctestAssertion(_ line: String, expected: String) -> String? {
        let call = String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces)
        let value = expected.trimmingCharacters(in: .whitespaces)
        guard !call.isEmpty, !value.isEmpty, !value.hasPrefix(">>>"), !value.hasPrefix("..."),
              !value.hasPrefix("Traceback"), !call.hasPrefix("print("), !call.contains("="),
              PythonSyntaxCheck.problem(in: call) == nil, PythonSyntaxCheck.problem(in: value) == nil
        else { return nil }
        return "assert \(call) == \(value)"
    }

    /// `self.assertEqual(a, b)`, `self.assertTrue(x)` and `self.assertFalse(x)` on one line,
    /// rewritten as plain asserts (small models often answer with a unittest class).
    static func unittestAssertion(_ line: String) -> String? {
        let text = String(PythonScanner.stripComment(line)).trimmingCharacters(in: .whitespaces)
        for method in ["assertEqual", "assertTrue", "assertFalse"] {
            let prefix = "self.\(method)("
            guard text.hasPrefix(prefix), text.hasSuffix(")"), PythonSyntaxCheck.problem(in: text) == nil else { continue }
            let inner = String(text.dropFirst(prefix.count).dropLast())
            let arguments = PythonCalls.topLevelPieces(of: inner, separator: ",").filter { !$0.isEmpty }
            switch method {
            case "assertEqual" where arguments.count >= 2: return "assert \(arguments[0]) == \(arguments[1])"
            case "assertTrue" where !arguments.isEmpty: return "assert \(arguments[0])"
            case "assertFalse" where !arguments.isEmpty: return "assert not (\(arguments[0]))"
            default: return nil
            }
        }
        return nil
    }

    /// Whether `text` uses `name` as an identifier (a call, or an attribute for a method).
    private func calls(_ name: String, in text: String) -> Bool {
        if context.kind == .method { return text.contains(".\(name)") }
        return Self.mentions(name, in: text)
    }

    static func mentions(_ name: String, in text: String) -> Bool {
        AssertionCollector.mentions(name, in: text) { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// A de-duplication key: whitespace outside string literals removed.
    static func key(_ text: String) -> String {
        AssertionCollector.key(text, quotes: ["\"", "'"])
    }

    // MARK: - Plain completions

    /// For a nested function, its body; elsewhere the code re-indented to the cursor line.
    func plain(from raw: String) -> String {
        if context.kind == .nestedFunction, let entry = context.entryPoint, let body = body(from: raw, entry: entry) {
            return context.completionLead + body
        }
        guard let code = CodeFences.code(in: raw, preferring: nil).map(Self.normalised) else { return "" }
        var lines = Self.dedented(SourceLines.split(code))
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        while lines.first?.allSatisfy(\.isWhitespace) == true { lines.removeFirst() }
        return context.completionLead + indented(lines)
    }
}
