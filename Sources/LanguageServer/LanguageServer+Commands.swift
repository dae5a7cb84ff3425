import Cascade
import Foundation
import JSONRPC

extension LanguageServer {
    static let generateTitle = "Generate function from docstring"

    /// "Generate function from docstring" on a function with a docstring and no body yet,
    /// as the engine's language layer sees it.
    func codeActions(_ params: CodeActionParams) throws -> JSONValue {
        let document = try openDocument(params.textDocument.uri)
        guard let language = language(of: document) else { return [] }
        guard params.range.start.line >= 0, params.range.start.line < document.lineCount else {
            throw ResponseError(.invalidParams, "range starts at line \(params.range.start.line), past the end of the document (\(document.lineCount) lines)")
        }
        let context = language.context(in: document.text, line: params.range.start.line, utf16Column: nil)
        guard Self.needsBody(context) else { return [] }
        let arguments = GenerateFromDocstringArguments(uri: document.uri, line: params.range.start.line)
        let argumentsJSON = try JSONValue(encoding: arguments)
        let resolvable = clientCapabilities["textDocument"]?["codeAction"]?["resolveSupport"]?["properties"]?.arrayValue?.contains("edit") ?? false
        let action = CodeAction(
            title: Self.generateTitle, kind: "refactor.rewrite", edit: nil,
            command: resolvable ? nil : LSPCommand(title: Self.generateTitle, command: CascadeCommand.generateFromDocstring, arguments: [argumentsJSON]),
            data: argumentsJSON)
        return [try JSONValue(encoding: action)]
    }

    /// A function (not a plain context) with a docstring and an empty, `pass` or `...` body.
    static func needsBody(_ context: CompletionContext) -> Bool {
        context.kind != .plain && context.entryPoint != nil && context.docstring != nil && context.bodyIsPlaceholder
    }

    /// `codeAction/resolve`: runs the cascade and answers the action with its edit.
    func resolveCodeAction(id: RequestID, _ action: CodeAction) throws {
        guard let data = action.data else {
            throw ResponseError(.invalidParams, "codeAction/resolve: the action has no 'data'; resolve only actions this server returned")
        }
        let arguments = try decode(data, as: GenerateFromDocstringArguments.self, for: LSPMethod.codeActionResolve)
        let cursor = try bodyPosition(arguments)
        try startCascade(id: id, uri: arguments.uri, position: cursor, mode: .full, token: nil, answer: .codeAction(action))
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

    func executeCommand(id: RequestID, _ params: ExecuteCommandParams) throws {
        let argument = params.arguments?.first ?? .null
        switch params.command {
        case CascadeCommand.generateFromDocstring:
            let arguments = try decode(argument, as: GenerateFromDocstringArguments.self, for: params.command)
            try startCascade(id: id, uri: arguments.uri, position: try bodyPosition(arguments), mode: .full, token: nil, answer: .applyEdit)
        case CascadeCommand.insertTests:
            let arguments = try decode(argument, as: InsertTestsArguments.self, for: params.command)
            let edit = try testInsertion(arguments)
            pending[id] = PendingWork()
            pending[id]?.task = Task {
                let applied = await self.applyEdit(label: "Insert Cascade tests", edit)
                self.complete(id, .success(["applied": .bool(applied)]))
            }
        case CascadeCommand.accepted:
            let arguments = try decode(argument, as: AcceptedArguments.self, for: params.command)
            let ledger = self.ledger
            let importEdit = acceptedImportEdit(arguments)
            pending[id] = PendingWork()
            pending[id]?.task = Task {
                await ledger.recordAcceptance(reportID: arguments.id)
                if let importEdit { _ = await self.applyEdit(label: "Cascade: add imports", importEdit) }
                self.complete(id, .success(.null))
            }
        default:
            throw ResponseError(.invalidParams, "unknown command '\(params.command)'; known: \(CascadeCommand.all.joined(separator: ", "))")
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
