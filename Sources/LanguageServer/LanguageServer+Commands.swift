import Cascade
import Foundation
import JSONRPC

extension LanguageServer {
    static let generateTitle = "Generate function from docstring"

    /// "Generate function from docstring" on a function with a docstring and no body yet,
    /// as the engine's language layer sees it.
    func codeActions(_ params: CodeActionRequest) throws -> [CodeAction] {
        let document = try openDocument(params.textDocument.uri)
        guard let language = language(of: document) else { return [] }
        guard params.range.start.line >= 0, params.range.start.line < document.lineCount else {
            throw ResponseError(.invalidParams, "range starts at line \(params.range.start.line), past the end of the document (\(document.lineCount) lines)")
        }
        let context = language.context(in: document.text, line: params.range.start.line, utf16Column: nil)
        guard Self.needsBody(context) else { return [] }
        let arguments = GenerateFromDocstringArguments(uri: document.uri, line: params.range.start.line)
        let resolvable = clientCapabilities["textDocument"]?["codeAction"]?["resolveSupport"]?["properties"]?.arrayValue?.contains("edit") ?? false
        let command = resolvable ? nil : LSPCommand(
            title: Self.generateTitle, command: CascadeCommand.generateFromDocstring, arguments: [try JSONValue(encoding: arguments)])
        return [CodeAction(title: Self.generateTitle, kind: "refactor.rewrite", edit: nil, command: command, data: arguments)]
    }

    /// A function (not a plain context) with a docstring and an empty, `pass` or `...` body.
    static func needsBody(_ context: CompletionContext) -> Bool {
        context.kind != .plain && context.entryPoint != nil && context.docstring != nil && context.bodyIsPlaceholder
    }

    /// `codeAction/resolve`: runs the cascade and answers the action with its edit.
    func resolveCodeAction(_ action: CodeAction, id: RequestID) throws -> Reply<CodeAction> {
        guard let arguments = action.data else {
            throw ResponseError(.invalidParams, "codeAction/resolve: the action has no 'data'; resolve only actions this server returned")
        }
        let cascade = try generationCascade(arguments)
        return answerLater(id) { server in
            try server.codeActionAnswer(try await server.runCascade(cascade, id: id, explicitToken: nil, notifier: nil), action: action)
        }
    }

    /// The full cascade for the body of the function at `arguments`.
    private func generationCascade(_ arguments: GenerateFromDocstringArguments) throws -> PreparedCascade {
        try prepareCascade(uri: arguments.uri, position: try bodyPosition(arguments), mode: .full, supersedes: false)
    }

    /// Where the cascade is asked: the end of the region the engine replaces (the
    /// `pass`/`...` line); for an empty body, the blank line below the docstring (so it is
    /// replaced too) or else the docstring's last line.
    private func bodyPosition(_ arguments: GenerateFromDocstringArguments) throws -> Position {
        let document = try openDocument(arguments.uri)
        guard arguments.line >= 0, arguments.line < document.lineCount,
              let language = language(of: document) else {
            throw ResponseError(.invalidParams, "no function at line \(arguments.line) of \(arguments.uri); ask for code actions again")
        }
        let context = language.context(in: document.text, line: arguments.line, utf16Column: nil)
        guard context.kind != .plain, context.entryPoint != nil else {
            throw ResponseError(.invalidParams, "no function at line \(arguments.line) of \(arguments.uri); ask for code actions again")
        }
        var line = context.endLine > context.startLine ? context.endLine - 1 : context.startLine - 1
        // An empty body followed by a blank line: ask on that line, so the engine replaces it.
        if context.endLine == context.startLine, context.startLine < document.lineCount,
           document.line(context.startLine).allSatisfy(\.isWhitespace) {
            line = context.startLine
        }
        line = min(document.lineCount - 1, max(0, line))
        return Position(line: line, character: document.lineLength(line, encoding: encoding))
    }

    func executeCommand(_ call: ExecuteCommandRequest.Call, id: RequestID) throws -> Reply<CommandAnswer?> {
        switch call {
        case .generateFromDocstring(let arguments):
            let cascade = try generationCascade(arguments)
            return answerLater(id) { server in
                await server.appliedEditAnswer(try await server.runCascade(cascade, id: id, explicitToken: nil, notifier: nil))
            }
        case .insertTests(let arguments):
            let edit = try testInsertion(arguments)
            return answerLater(id) { server in
                CommandAnswer(applied: await server.applyEdit(label: "Insert Cascade tests", edit))
            }
        case .accepted(let arguments):
            let ledger = self.ledger
            let importEdit = acceptedImportEdit(arguments)
            return answerLater(id) { server in
                await ledger.recordAcceptance(reportID: arguments.id)
                if let importEdit { _ = await server.applyEdit(label: "Cascade: add imports", importEdit) }
                return nil
            }
        }
    }

    /// For an accepted inline completion, the imports it needs that the document (as it is
    /// now, with the completion in) still lacks, at the top of the file; nil when none.
    private func acceptedImportEdit(_ arguments: AcceptedArguments) -> WorkspaceEdit? {
        guard let uri = arguments.uri, let document = documents[uri],
              let insertion = moduleImportInsertion(arguments.imports, in: document) else { return nil }
        return WorkspaceEdit(changes: [uri: [CompletionEdits.importEdit(insertion, in: document, encoding: encoding)]])
    }

    /// The tests in the language's test function (`def test_<name>():`, `function test_<name>()`),
    /// below the function (or at the end of the file).
    private func testInsertion(_ arguments: InsertTestsArguments) throws -> WorkspaceEdit {
        let document = try openDocument(arguments.uri)
        let support = language(of: document)
        let atLine = arguments.line.flatMap { line -> String? in
            guard line >= 0, line < document.lineCount else { return nil }
            return support?.context(in: document.text, line: line, utf16Column: nil).entryPoint
        }
        guard let entryPoint = arguments.entryPoint ?? atLine ?? lastEntryPoint[arguments.uri] else {
            throw ResponseError(.invalidParams, "no cascade has run for \(arguments.uri) yet; pass 'entryPoint' and 'tests', or complete a function first")
        }
        guard let tests = arguments.tests ?? lastReports[arguments.uri]?[entryPoint]?.tests, !tests.isEmpty else {
            throw ResponseError(.invalidParams, "no tests known for '\(entryPoint)'; pass 'tests' or complete the function first")
        }
        guard let language = support else {
            throw ResponseError(.invalidParams, "no test format for \(document.languageId) files (supported: \(languages.supportedIds.joined(separator: ", ")))")
        }
        // Below a top-level function; anything else (methods, unknown names) at the end of the file.
        let function = language.functionContext(named: entryPoint, in: document.text).flatMap { $0.kind == .function ? $0 : nil }
        var text = "\n\n" + language.testFunction(for: entryPoint, tests: tests)
        let position: Position
        if let function, function.endLine < document.lineCount {
            position = Position(line: function.endLine, character: 0)
            text = String(text.dropFirst())  // already at the start of a line
        } else {
            position = document.endPosition(encoding: encoding)
            if document.text.hasSuffix("\n") { text = String(text.dropFirst()) }
        }
        return WorkspaceEdit(changes: [document.uri: [document.keepingInside(TextEdit(range: TextRange(start: position, end: position), newText: text), encoding: encoding)]])
    }
}
