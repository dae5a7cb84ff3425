import Foundation

/// Where the imports Python accepts only at module level (`from m import *`, `from
/// __future__ import …`) go in a module, and which of them it still lacks. The tested
/// program and the editor's document put them in the same place, so what passed is what
/// the user gets.
enum PythonModuleImports {
    /// The lines to insert into `text` so that it has every one of `imports`, and where;
    /// nil when it already has them all. Future imports come first (they must precede
    /// every other statement), then the rest in the order given.
    static func insertion(of imports: [String], in text: String) -> ModuleImportInsertion? {
        let source = PythonSource(text)
        let missing = missing(imports, in: source)
        guard !missing.isEmpty else { return nil }
        let line = insertionLine(in: source)
        var inserted = SourceLines.join(missing.flatMap { SourceLines.split($0) })
        // Keep a blank line between the imports and the code that follows them.
        if line < source.lines.count {
            let next = source.lines[line].trimmingCharacters(in: .whitespaces)
            if !next.isEmpty, !next.hasPrefix("import "), !next.hasPrefix("from "), !next.hasPrefix("#") { inserted += "\n" }
        }
        return ModuleImportInsertion(line: line, text: inserted)
    }

    /// `text`, as lines, with the imports it lacks inserted where `insertion(of:in:)` puts them.
    static func inserting(_ imports: [String], into text: String) -> String {
        guard let insertion = insertion(of: imports, in: text) else { return text }
        let lines = SourceLines.split(text)
        let line = min(insertion.line, lines.count)
        return SourceLines.join(lines[..<line]) + insertion.text + SourceLines.join(lines[line...])
    }

    /// The 0-based line before which module-level imports go: after a shebang, an encoding
    /// line, the module docstring and the `from __future__` imports already there.
    static func insertionLine(in source: PythonSource) -> Int {
        var line = 0
        if let first = source.lines.first, first.hasPrefix("#!") || isEncodingLine(first) { line = 1 }
        if source.lines.count > 1, isEncodingLine(source.lines[1]) { line = 2 }
        let statements = source.statements
        var index = 0
        if let first = statements.first, first.indent == 0, first.isStringLiteral {
            line = max(line, first.last + 1)
            index = 1
        }
        while index < statements.count, statements[index].indent == 0, statements[index].isFutureImport {
            line = max(line, statements[index].last + 1)
            index += 1
        }
        return line
    }

    /// The imports of `imports` that are not already top-level statements of `source`
    /// (compared without comments and spacing), each once, future imports first.
    static func missing(_ imports: [String], in source: PythonSource) -> [String] {
        var present = Set(source.statements.filter { $0.indent == 0 && $0.isImport }.map { key($0.text) })
        var futures: [String] = []
        var others: [String] = []
        for text in imports {
            let statement = PythonSource(text).statements.first
            guard present.insert(key(text)).inserted else { continue }
            if statement?.isFutureImport == true { futures.append(text) } else { others.append(text) }
        }
        return futures + others
    }

    /// An encoding declaration, e.g. `# -*- coding: utf-8 -*-`: Python reads it only on the
    /// first two lines, so nothing may be inserted above it.
    private static func isEncodingLine(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }
        guard trimmed.hasPrefix("#"), let coding = trimmed.range(of: "coding") else { return false }
        return trimmed[coding.upperBound...].first.map { $0 == ":" || $0 == "=" } ?? false
    }

    /// An import without its comment, with runs of whitespace as one space.
    private static func key(_ text: String) -> String {
        PythonScanner.stripComment(text.trimmingCharacters(in: .whitespacesAndNewlines))
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
