import Cascade

/// Turns the engine's "replace lines `startLine..<endLine` with this text" into the
/// ranges editors need, so nothing the user already typed is duplicated.
struct CompletionEdits {
    let document: TextDocument
    let encoding: PositionEncoding
    let cursor: Position
    let startLine: Int
    let endLine: Int
    let text: String
    /// The module-level imports the completion needs that the document lacks, if any.
    var imports: ModuleImportInsertion? = nil

    /// The region as the engine gives it; a line past the end of the document stays past
    /// it, for `TextDocument.keepingInside` to turn into an insertion at the end.
    private var regionStart: Position { Position(line: max(0, startLine), character: 0) }

    private var regionEnd: Position {
        let end = max(endLine, startLine)
        if end >= document.lineCount && startLine < document.lineCount { return document.endPosition(encoding: encoding) }
        return Position(line: end, character: 0)
    }

    /// The inline item's edit: the region with the text of a cursor just after it
    /// (whitespace only) included, so indentation typed on a fresh line is replaced rather
    /// than doubled; the engine's text without its final line break when the range ends
    /// inside a line that keeps its own break.
    var inlineEdit: TextEdit {
        var end = regionEnd
        if cursor > end, onlyWhitespace(from: end, to: cursor) { end = cursor }
        var newText = text
        if end.character > 0, end.line < document.lineCount - 1, newText.hasSuffix("\n") { newText.removeLast() }
        return document.keepingInside(TextEdit(range: TextRange(start: regionStart, end: end), newText: newText), encoding: encoding)
    }

    /// The whole region replaced by the text, as one edit (code actions, applied edits).
    var regionEdit: TextEdit {
        document.keepingInside(TextEdit(range: TextRange(start: regionStart, end: regionEnd), newText: text), encoding: encoding)
    }

    /// A completion-list edit: LSP wants the main edit on the cursor's line and containing
    /// it; the rest of the region goes into `additionalTextEdits`.
    var listEdits: (main: TextEdit, additional: [TextEdit]) {
        let (main, additional) = unclampedListEdits
        return (document.keepingInside(main, encoding: encoding), additional.map { document.keepingInside($0, encoding: encoding) })
    }

    private var unclampedListEdits: (main: TextEdit, additional: [TextEdit]) {
        let start = regionStart
        let end = regionEnd
        let cursorLine = cursor.line
        let lineEnd = Position(line: cursorLine, character: document.lineLength(cursorLine, encoding: encoding))
        let lineHasBreak = cursorLine < document.lineCount - 1
        if cursorLine >= start.line && cursorLine < max(end.line, start.line + 1) {
            var main = text
            if lineHasBreak, main.hasSuffix("\n") { main.removeLast() }
            var additional: [TextEdit] = []
            if start.line < cursorLine {
                additional.append(TextEdit(range: TextRange(start: start, end: Position(line: cursorLine, character: 0)), newText: ""))
            }
            if lineHasBreak, Position(line: cursorLine + 1, character: 0) < end {
                additional.append(TextEdit(range: TextRange(start: Position(line: cursorLine + 1, character: 0), end: end), newText: ""))
            }
            return (TextEdit(range: TextRange(start: Position(line: cursorLine, character: 0), end: lineEnd), newText: main), additional)
        }
        if cursorLine == start.line - 1, cursor.character >= lineEnd.character {
            // The usual case at the end of a docstring: insert after the cursor's line.
            var main = text
            if main.hasSuffix("\n") { main.removeLast() }
            let additional = start < end ? [TextEdit(range: TextRange(start: start, end: end), newText: "")] : []
            return (TextEdit(range: TextRange(start: lineEnd, end: lineEnd), newText: "\n" + main), additional)
        }
        // Anywhere else: an empty main edit at the cursor, the real edit alongside.
        return (TextEdit(range: TextRange(start: cursor, end: cursor), newText: ""), [TextEdit(range: TextRange(start: start, end: end), newText: text)])
    }

    /// The edit that adds `imports` at the top of the file, apart from the body's edit
    /// (which it never overlaps: the function comes after them); nil when there is nothing to add.
    var importEdit: TextEdit? {
        imports.map { Self.importEdit($0, in: document, encoding: encoding) }
    }

    /// Inserts `imports` before its line, or at the end of a document that has no such line.
    static func importEdit(_ imports: ModuleImportInsertion, in document: TextDocument, encoding: PositionEncoding) -> TextEdit {
        if imports.line < document.lineCount {
            let start = Position(line: max(0, imports.line), character: 0)
            return document.keepingInside(TextEdit(range: TextRange(start: start, end: start), newText: imports.text), encoding: encoding)
        }
        let end = document.endPosition(encoding: encoding)
        let separator = document.text.isEmpty || document.text.hasSuffix("\n") ? "" : "\n"
        return document.keepingInside(TextEdit(range: TextRange(start: end, end: end), newText: separator + imports.text), encoding: encoding)
    }

    private func onlyWhitespace(from: Position, to: Position) -> Bool {
        guard let a = try? document.utf8Offset(of: from, encoding: encoding),
              let b = try? document.utf8Offset(of: to, encoding: encoding), a <= b else { return false }
        let utf8 = document.text.utf8
        let slice = utf8[utf8.index(utf8.startIndex, offsetBy: a)..<utf8.index(utf8.startIndex, offsetBy: b)]
        return slice.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
    }
}

extension TextDocument {
    /// `edit` with the same effect and no position past the last line of text. LSP allows
    /// the empty "line" after a final line break, but editors that count lines as their
    /// buffers do (Neovim: a file ending in a line break has no such line) reject it.
    /// Such a position moves to the end of the last line: an insertion there gains the line
    /// break before it, and a replacement that swallowed the final break leaves it in place.
    func keepingInside(_ edit: TextEdit, encoding: PositionEncoding) -> TextEdit {
        let endsWithBreak = text.hasSuffix("\n")
        let lastLine = endsWithBreak ? max(0, lineCount - 2) : lineCount - 1
        guard edit.range.end.line > lastLine else { return edit }
        let endOfText = Position(line: lastLine, character: lineLength(lastLine, encoding: encoding))
        var clamped = edit
        clamped.range.end = endOfText
        if edit.range.start.line > lastLine {
            clamped.range.start = endOfText
            if clamped.newText.hasSuffix("\n") { clamped.newText.removeLast() }
            if !clamped.newText.isEmpty { clamped.newText = "\n" + clamped.newText }
        } else if endsWithBreak, clamped.newText.hasSuffix("\n") {
            clamped.newText.removeLast()
        }
        return clamped
    }
}
