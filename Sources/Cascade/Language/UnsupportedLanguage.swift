import Foundation

/// Stands in for a language the engine cannot test: a plain completion at the cursor,
/// reported `unverified` with the reason.
struct UnsupportedLanguage: LanguageSupport {
    let languageId: String
    /// The ids that are supported, for the reason text.
    var supported: [String] = LanguageRegistry.standard.supportedIds
    var fileExtensions: [String] { [] }
    var vocabulary: PromptVocabulary {
        PromptVocabulary(
            name: languageId.isEmpty ? "code" : languageId, fenceTag: languageId,
            lineComment: "//", stubBody: "", testShape: "", testLead: "")
    }

    func context(in text: String, line: Int, utf16Column: Int?) -> CompletionContext {
        let name = languageId.isEmpty ? "(none)" : languageId
        return PlainContext.at(
            text: text, line: line, languageId: languageId,
            reason: "language '\(name)' is not supported for tested completion (supported: \(supported.joined(separator: ", "))); plain completion")
    }

    func extractSolution(from raw: String, for context: CompletionContext) -> SolutionCandidate? { nil }

    func extractTests(from raw: String, for context: CompletionContext, limit: Int) -> [String] { [] }

    /// The fenced code (or the whole answer), re-indented to the cursor line.
    func extractPlainCompletion(from raw: String, for context: CompletionContext) -> String {
        guard let code = CodeFences.code(in: raw, preferring: nil) else { return "" }
        var lines = SourceLines.split(code)
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        while lines.first?.allSatisfy(\.isWhitespace) == true { lines.removeFirst() }
        let width = lines.filter { !$0.allSatisfy(\.isWhitespace) }
            .map { $0.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
        return lines.reduce(into: "") { text, line in
            text += line.allSatisfy(\.isWhitespace) ? "\n" : context.bodyIndent + line.dropFirst(width) + "\n"
        }
    }

    func syntaxCheckProgram(for completion: String, in context: CompletionContext) -> String? { nil }
}

/// Builds the context of a plain completion at a line: the cursor line is replaced when it is
/// blank, otherwise the completion is inserted after it.
enum PlainContext {
    static func at(text: String, line: Int, languageId: String, reason: String) -> CompletionContext {
        let lines = SourceLines.split(text)
        let cursor = min(max(line, 0), max(lines.count - 1, 0))
        let blank = lines.isEmpty || lines[cursor].allSatisfy(\.isWhitespace)
        let start = lines.isEmpty ? 0 : (blank ? cursor : cursor + 1)
        let end = lines.isEmpty ? 0 : cursor + 1
        let indent = lines.isEmpty ? "" : String(lines[cursor].prefix { $0 == " " || $0 == "\t" })
        return CompletionContext(
            languageId: languageId, kind: .plain, bodyIndent: indent, startLine: start, endLine: end,
            prefix: SourceLines.join(lines[0..<min(start, lines.count)]),
            suffix: SourceLines.join(lines[min(end, lines.count)...]),
            untestableReason: reason)
    }
}

/// Line splitting that round-trips: `join(split(t)) == t` for text ending in a newline.
enum SourceLines {
    static func split(_ text: String) -> [String] {
        var lines = text.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func join<S: Sequence<String>>(_ lines: S) -> String {
        lines.reduce(into: "") { $0 += $1 + "\n" }
    }
}

extension String {
    func replacingCRLF() -> String {
        guard contains("\r") else { return self }
        return replacing("\r\n", with: "\n").replacing("\r", with: "\n")
    }
}
