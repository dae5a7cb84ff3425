import Cascade
import Testing
@testable import LanguageServer

@Suite struct TextDocumentTests {
    private func document(_ text: String) -> TextDocument {
        TextDocument(uri: "file:///t.py", languageId: "python", version: 1, text: text)
    }

    @Test func utf16PositionsCountSurrogatePairs() throws {
        var doc = document("a😀b\nçd\n")
        try doc.apply(TextDocumentContentChangeEvent(range: TextRange(start: Position(line: 0, character: 3), end: Position(line: 0, character: 4)), text: "B"), encoding: .utf16)
        try doc.apply(TextDocumentContentChangeEvent(range: TextRange(start: Position(line: 1, character: 1), end: Position(line: 1, character: 2)), text: "D!"), encoding: .utf16)
        #expect(doc.text == "a😀B\nçD!\n")
    }

    @Test func utf8PositionsCountBytes() throws {
        var doc = document("é😀x\n")
        try doc.apply(TextDocumentContentChangeEvent(range: TextRange(start: Position(line: 0, character: 6), end: Position(line: 0, character: 7)), text: "y"), encoding: .utf8)
        #expect(doc.text == "é😀y\n")
    }

    @Test func multiLineEditsAndCRLF() throws {
        var doc = document("one\r\ntwo\r\nthree")
        #expect(doc.line(1) == "two")
        try doc.apply(TextDocumentContentChangeEvent(range: TextRange(start: Position(line: 0, character: 1), end: Position(line: 2, character: 2)), text: "X"), encoding: .utf16)
        #expect(doc.text == "oXree")
        #expect(doc.lineCount == 1)
    }

    @Test func characterPastTheLineIsClampedButALinePastTheEndIsAnError() throws {
        var doc = document("ab\ncd")
        try doc.apply(TextDocumentContentChangeEvent(range: TextRange(start: Position(line: 0, character: 99), end: Position(line: 0, character: 99)), text: "!"), encoding: .utf16)
        #expect(doc.text == "ab!\ncd")
        #expect(throws: PositionError.self) { try doc.utf16Column(of: Position(line: 5, character: 0), encoding: .utf16) }
    }

    @Test func fullReplacement() throws {
        var doc = document("old")
        try doc.apply(TextDocumentContentChangeEvent(range: nil, text: "new\ntext"), encoding: .utf16)
        #expect(doc.lineCount == 2 && doc.line(0) == "new" && doc.line(1) == "text")
    }
}

@Suite struct CompletionEditsTests {
    private let doc = TextDocument(uri: "u", languageId: "python", version: 1, text: "def f():\n    \"\"\"Doc.\"\"\"\n    \n")

    @Test func inlineRangeCoversTheReplacedLinesAndTrailingIndentation() {
        // Engine inserts before line 2 (empty body) while the cursor sits after indentation on line 2.
        let edits = CompletionEdits(document: doc, encoding: .utf16, cursor: Position(line: 2, character: 4), startLine: 2, endLine: 2, text: "    return 1\n")
        #expect(edits.inlineEdit.range == TextRange(start: Position(line: 2, character: 0), end: Position(line: 2, character: 4)))
        #expect(edits.inlineEdit.newText == "    return 1")
    }

    @Test func listEditAtTheEndOfTheDocstringInsertsAfterTheLine() {
        let edits = CompletionEdits(document: doc, encoding: .utf16, cursor: Position(line: 1, character: 14), startLine: 2, endLine: 3, text: "    return 1\n")
        #expect(edits.listEdits.main == TextEdit(range: TextRange(start: Position(line: 1, character: 14), end: Position(line: 1, character: 14)), newText: "\n    return 1"))
        #expect(edits.listEdits.additional == [TextEdit(range: TextRange(start: Position(line: 2, character: 0), end: Position(line: 2, character: 4)), newText: "")])
    }

    @Test func listEditRemovesReplacedLinesAboveAndBelowTheCursor() {
        let doc = TextDocument(uri: "u", languageId: "python", version: 1, text: "def f():\n    a = 1\n    b\n    pass\nx\n")
        let edits = CompletionEdits(document: doc, encoding: .utf16, cursor: Position(line: 2, character: 5), startLine: 1, endLine: 4, text: "    return 2\n")
        #expect(edits.listEdits.main == TextEdit(range: TextRange(start: Position(line: 2, character: 0), end: Position(line: 2, character: 5)), newText: "    return 2"))
        #expect(edits.listEdits.additional == [
            TextEdit(range: TextRange(start: Position(line: 1, character: 0), end: Position(line: 2, character: 0)), newText: ""),
            TextEdit(range: TextRange(start: Position(line: 3, character: 0), end: Position(line: 4, character: 0)), newText: ""),
        ])
    }
}

/// The code action's test on the engine's context: a docstring and no body yet.
@Suite struct GenerateFromDocstringDetectionTests {
    private func needsBody(_ text: String, line: Int = 0) -> Bool {
        LanguageServer.needsBody(PythonLanguage().context(in: text, line: line, utf16Column: nil))
    }

    @Test func docstringWithPassOrEllipsisOrNothingNeedsABody() {
        for body in ["    pass\n", "    ...\n", ""] {
            #expect(needsBody("def f(x):\n    \"\"\"Return x.\n\n    More.\n    \"\"\"\n\(body)\ny = 1\n"), "body: \(body)")
        }
    }

    @Test func aRealBodyOrNoDocstringOrNoFunctionDoesNot() {
        #expect(!needsBody("def f(x):\n    '''Doc.'''\n    return x\n"))
        #expect(!needsBody("def f(x):\n    pass\n"))
        #expect(!needsBody("x = 1\n'''Doc.'''\n"))
    }

    @Test func multiLineSignaturesAndMethods() {
        #expect(needsBody("class A:\n    async def f(self,\n            x):  # note\n        \"\"\"Doc.\"\"\"\n\nz = 2\n", line: 3))
    }
}

/// A function that is the last thing in the file (the common case while writing one): no
/// range may point past the last line, with or without a final line break.
@Suite struct EndOfDocumentRangeTests {
    static let withBreak = "def f():\n    \"\"\"Doc.\"\"\"\n"
    static let withoutBreak = "def f():\n    \"\"\"Doc.\"\"\""

    /// Whether an editor that counts a final line break as ending the last line (Neovim) can address `position`.
    func isInside(_ position: Position, _ document: TextDocument) -> Bool {
        let lines = document.text.hasSuffix("\n") ? document.lineCount - 1 : document.lineCount
        return position.line < lines && position.character <= document.lineLength(position.line, encoding: .utf16)
    }

    func applying(_ edits: [TextEdit], to document: TextDocument) throws -> String {
        var document = document
        // Last first, so earlier positions stay valid.
        for edit in edits.sorted(by: { $0.range.start > $1.range.start }) {
            try document.apply(TextDocumentContentChangeEvent(range: edit.range, text: edit.newText), encoding: .utf16)
        }
        return document.text
    }

    @Test(arguments: [withBreak, withoutBreak])
    func everyEditStaysInsideAndWritesTheBody(text: String) throws {
        let document = TextDocument(uri: "u", languageId: "python", version: 1, text: text)
        let edits = CompletionEdits(document: document, encoding: .utf16, cursor: Position(line: 1, character: 14),
                                    startLine: 2, endLine: 2, text: "    return 1\n")
        let expected = "def f():\n    \"\"\"Doc.\"\"\"\n    return 1" + (text.hasSuffix("\n") ? "\n" : "")
        let (main, additional) = edits.listEdits
        let sets: [(String, [TextEdit])] = [("inline", [edits.inlineEdit]), ("region", [edits.regionEdit]), ("list", [main] + additional)]
        for (name, set) in sets {
            for edit in set {
                #expect(isInside(edit.range.start, document) && isInside(edit.range.end, document), "\(name): \(edit.range)")
            }
            #expect(try applying(set, to: document).trimmingCharacters(in: .newlines) == expected.trimmingCharacters(in: .newlines), "\(name)")
        }
        let imports = CompletionEdits.importEdit(ModuleImportInsertion(line: 99, text: "import os\n"), in: document, encoding: .utf16)
        #expect(isInside(imports.range.start, document) && isInside(imports.range.end, document))
    }
}
