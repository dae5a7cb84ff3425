import Cascade
import Foundation
import JSONRPC

extension LanguageServer {
    /// What to answer once a cascade finished.
    enum Answer: Sendable {
        /// `textDocument/inlineCompletion`; automatic triggers answer an empty list instead of an error.
        case inline(automatic: Bool)
        /// `textDocument/completion`.
        case list
        /// `codeAction/resolve`: the action with its edit.
        case codeAction(CodeAction)
        /// `cascade.generateFromDocstring`: apply the edit, answer `{applied, report}`.
        case applyEdit
    }

    /// Validates the request, supersedes older work on the document and starts the cascade.
    /// - Throws: `ResponseError` (-32602, -32803) answered at once by the caller.
    func startCascade(id: RequestID, uri: String, position: Position, mode: CompletionRequest.Mode, token: JSONValue?, answer: Answer) throws {
        let document = try openDocument(uri)
        let utf16Column: Int
        do {
            utf16Column = try document.utf16Column(of: position, encoding: encoding)
        } catch {
            throw ResponseError(.invalidParams, "\(error)")
        }
        guard let engine else {
            throw ResponseError(.requestFailed, (engineProblem ?? "no completion engine") + "; fix the configuration and send workspace/didChangeConfiguration")
        }
        // Completions supersede completions; an explicit "generate" is neither superseded nor superseding.
        let supersedes: Bool
        switch answer {
        case .inline, .list: supersedes = true
        case .codeAction, .applyEdit: supersedes = false
        }
        if supersedes {
            for (otherID, work) in pending where work.supersedableURI == uri {
                cancel(otherID, "superseded by a newer completion request for \(uri)")
            }
        }
        let request = CompletionRequest(
            text: document.text, line: position.line, utf16Column: utf16Column,
            languageId: document.languageId, uri: uri, mode: mode)
        pending[id] = PendingWork(task: nil, supersedableURI: supersedes ? uri : nil, progressToken: nil)
        pending[id]?.task = Task {
            await self.runCascade(id: id, request: request, engine: engine, document: document, position: position, explicitToken: token, answer: answer)
        }
    }

    private func runCascade(
        id: RequestID, request: CompletionRequest, engine: any CompletionEngine, document: TextDocument,
        position: Position, explicitToken: JSONValue?, answer: Answer
    ) async {
        let connection = self.connection
        let progress = WorkDoneProgress(connection: connection)
        startProgress(progress, for: id, explicitToken: explicitToken)
        let notifier = suggestionNotifier(id: id, document: document, position: position, answer: answer)
        let onProgress: @Sendable (CascadeProgress) -> Void = { step in
            if case .candidate(let preview) = step, let notifier, !Task.isCancelled {
                notifier.candidate(preview, imports: self.moduleImportInsertion(preview.imports, in: document))
            }
            progress.report(step.message)
        }
        let result: CompletionResult
        let engineStart = ContinuousClock.now
        do {
            result = try await engine.complete(request, progress: onProgress)
        } catch {
            let cancelled = error is CancelledCascade || error is CancellationError || Task.isCancelled
            if let cancelled = error as? CancelledCascade { await ledger.record(cancelled) }
            progress.end(cancelled ? "cancelled" : "failed")
            complete(id, failureAnswer(error, cancelled: cancelled, answer: answer))
            return
        }
        // The money is spent whether or not anyone still wants the answer.
        let session = await ledger.record(result.report)
        progress.end(ReportFormatter().detail(result.report))
        let report = result.report
        if let entryPoint = report.entryPoint {
            lastReports[request.uri ?? "", default: [:]][entryPoint] = report
            lastEntryPoint[request.uri ?? ""] = entryPoint
        }
        // Encoded once, and the same JSON goes everywhere the report and its badge go.
        let finished = FinishedCascade(
            result: result, document: document, position: position,
            reportJSON: (try? JSONValue(encoding: report)) ?? .null,
            badgeJSON: JSONValue(ReportFormatter().badge(report)),
            // The engine's time to sub-millisecond precision (the report's `latencyMs` is whole
            // ms), so a client or benchmark can tell the server's own overhead from the cascade.
            engineMs: (ContinuousClock.now - engineStart).milliseconds,
            edits: CompletionEdits(
                document: document, encoding: encoding, cursor: position,
                startLine: result.startLine, endLine: result.endLine, text: report.completion,
                imports: moduleImportInsertion(report.imports, in: document)))
        // What the editor shows: the server's badge, and the session's totals for a status line.
        connection.notify(LSPMethod.cascadeReport, [
            "uri": .string(request.uri ?? ""), "position": ["line": .int(position.line), "character": .int(position.character)],
            "report": finished.reportJSON, "badge": finished.badgeJSON, "session": JSONValue(session),
        ])
        guard pending[id] != nil else { return }
        if Task.isCancelled {
            complete(id, .failure(.cancelled()))
            return
        }
        switch answer {
        case .inline(let automatic):
            // An automatic request shows only verified code: the rest goes on in the background.
            if automatic && result.largerTiersRemain {
                escalateInBackground(request, engine: engine, position: position)
                notifier?.escalating(report)
                complete(id, .success(["items": []]))
                return
            }
            notifier?.verdict(report, reportJSON: finished.reportJSON, badgeJSON: finished.badgeJSON, edits: finished.usable ? finished.edits : nil)
            complete(id, inlineAnswer(finished, automatic: automatic))
        case .list:
            complete(id, listAnswer(finished))
        case .codeAction(let action):
            complete(id, codeActionAnswer(finished, action: action))
        case .applyEdit:
            complete(id, await appliedEditAnswer(finished))
        }
    }

    /// A cascade that ended, with what every kind of answer is built from.
    private struct FinishedCascade {
        var result: CompletionResult
        var document: TextDocument
        var position: Position
        var reportJSON: JSONValue
        var badgeJSON: JSONValue
        var engineMs: Double
        var edits: CompletionEdits

        var report: CascadeReport { result.report }
        var usable: Bool { report.status != .failed && report.status != .cancelled && !report.completion.isEmpty }
        var accepted: LSPCommand {
            LSPCommand(title: "Cascade: accepted", command: CascadeCommand.accepted, arguments: [["id": .string(report.id)]])
        }
        /// The imports it needs first, then the body.
        var workspaceEdit: WorkspaceEdit {
            WorkspaceEdit(changes: [document.uri: (edits.importEdit.map { [$0] } ?? []) + [edits.regionEdit]])
        }
    }

    /// When the engine threw: -32800 when cancelled, nothing for an automatic request (a
    /// failure the user did not ask for is logged, not shown), else the error.
    private func failureAnswer(_ error: any Error, cancelled: Bool, answer: Answer) -> Result<JSONValue, ResponseError> {
        if cancelled { return .failure(.cancelled()) }
        if case .inline(automatic: true) = answer {
            log("automatic inline completion failed: \(error)")
            return .success(["items": []])
        }
        return .failure(ResponseError(.requestFailed, "cascade failed: \(error)"))
    }

    private func inlineAnswer(_ finished: FinishedCascade, automatic: Bool) -> Result<JSONValue, ResponseError> {
        guard finished.usable else {
            if !automatic { showNoCompletion(finished.report) }
            return .success(["items": []])
        }
        let report = finished.report
        // An inline item has no room for a second edit: accepting it adds the imports.
        let command = finished.edits.importEdit == nil ? finished.accepted : LSPCommand(
            title: finished.accepted.title, command: CascadeCommand.accepted,
            arguments: [["id": .string(report.id), "uri": .string(finished.document.uri),
                         "imports": .array((report.imports ?? []).map(JSONValue.string))]])
        let edit = finished.edits.inlineEdit
        let item = InlineCompletionItem(
            insertText: edit.newText, filterText: nil, range: edit.range, command: command,
            data: ["cascade": finished.reportJSON, "engineMs": .double(finished.engineMs), "badge": finished.badgeJSON])
        return encoded(InlineCompletionList(items: [item]))
    }

    private func listAnswer(_ finished: FinishedCascade) -> Result<JSONValue, ResponseError> {
        let report = finished.report
        guard finished.usable else {
            showNoCompletion(report)
            return .success(["isIncomplete": false, "items": []])
        }
        var (main, additional) = finished.edits.listEdits
        if let importEdit = finished.edits.importEdit { additional.insert(importEdit, at: 0) }
        let typed = typedText(in: finished.document, from: main.range.start, to: finished.position)
        let label = report.completion.split(separator: "\n").first.map { String($0.drop(while: { $0 == " " || $0 == "\t" }).prefix(60)) } ?? report.id
        let item = CompletionItem(
            label: label, kind: 1, detail: ReportFormatter().detail(report), documentation: .markdown(ReportFormatter().markdown(report)),
            filterText: typed.isEmpty ? nil : typed, sortText: "0", preselect: true, insertTextFormat: 1,
            textEdit: main, additionalTextEdits: additional.isEmpty ? nil : additional, command: finished.accepted,
            data: ["cascade": finished.reportJSON, "badge": finished.badgeJSON])
        return encoded(CompletionList(isIncomplete: false, items: [item]))
    }

    private func codeActionAnswer(_ finished: FinishedCascade, action: CodeAction) -> Result<JSONValue, ResponseError> {
        let report = finished.report
        guard finished.usable else {
            return .failure(ResponseError(.requestFailed, "the cascade found no usable body (\(report.status.rawValue))\(report.reason.map { ": " + $0 } ?? "")"))
        }
        var action = action
        action.edit = finished.workspaceEdit
        return encoded(action)
    }

    /// `cascade.generateFromDocstring`: asks the client to apply the edit, answers `{applied, report, badge}`.
    private func appliedEditAnswer(_ finished: FinishedCascade) async -> Result<JSONValue, ResponseError> {
        var applied = false
        if finished.usable {
            applied = await applyEdit(label: "Generate \(finished.report.entryPoint ?? "function") from docstring", finished.workspaceEdit)
        }
        return .success(["applied": .bool(applied), "report": finished.reportJSON, "badge": finished.badgeJSON])
    }

    /// `value` as an answer; an encoding failure is the server's own error.
    func encoded(_ value: some Encodable) -> Result<JSONValue, ResponseError> {
        Result { try JSONValue(encoding: value) }.mapError { ResponseError(.internalError, "\($0)") }
    }

    /// Why an invoked completion has nothing to show, where every client shows it (an empty
    /// list alone says nothing, and `cascade/report` is ours).
    private func showNoCompletion(_ report: CascadeReport) {
        let why = report.reason ?? report.status.rawValue
        connection.notify(LSPMethod.showMessage, ["type": 2, "message": .string("Cascade found no completion: \(why)")])
    }

    /// The notifier of an inline completion's progressive suggestions, when the client asked for them.
    private func suggestionNotifier(id: RequestID, document: TextDocument, position: Position, answer: Answer) -> SuggestionNotifier? {
        guard case .inline = answer, clientCapabilities["experimental"]?["cascadeSuggestions"]?.boolValue == true else { return nil }
        return SuggestionNotifier(connection: connection, requestID: id, document: document, encoding: encoding, position: position)
    }

    /// Begins `progress` with the client's token at once, or with one created by
    /// `window/workDoneProgress/create` when the client supports it, in the background: the
    /// cascade never waits for the client's answer.
    private func startProgress(_ progress: WorkDoneProgress, for id: RequestID, explicitToken: JSONValue?) {
        if let explicitToken, explicitToken != .null {
            pending[id]?.progressToken = explicitToken
            progress.begin(explicitToken)
            return
        }
        guard clientCapabilities["window"]?["workDoneProgress"]?.boolValue == true else { return }
        progressCounter += 1
        let token = JSONValue.string("cascade-progress-\(progressCounter)")
        pending[id]?.progressToken = token
        let connection = self.connection
        Task {
            do {
                _ = try await connection.request(LSPMethod.workDoneProgressCreate, ["token": token])
                progress.begin(token)
            } catch {
                self.log("client refused a progress token: \(error)")
            }
        }
    }

    /// Where the module-level `imports` a report carries go in `document`, as its language
    /// places them; nil when there are none or the document already has them.
    nonisolated func moduleImportInsertion(_ imports: [String]?, in document: TextDocument) -> ModuleImportInsertion? {
        guard let imports, !imports.isEmpty,
              let language = language(of: document) else { return nil }
        return language.moduleImportInsertion(of: imports, in: document.text)
    }

    /// Asks the client to apply an edit; false when it refused or failed.
    func applyEdit(label: String, _ edit: WorkspaceEdit) async -> Bool {
        do {
            let answer = try await connection.request(LSPMethod.applyEdit, ["label": .string(label), "edit": try JSONValue(encoding: edit)])
            return answer["applied"]?.boolValue ?? false
        } catch {
            log("workspace/applyEdit failed: \(error)")
            return false
        }
    }

    private func typedText(in document: TextDocument, from start: Position, to end: Position) -> String {
        guard start.line == end.line,
              let a = try? document.utf8Offset(of: start, encoding: encoding),
              let b = try? document.utf8Offset(of: end, encoding: encoding), a < b else { return "" }
        let utf8 = Array(document.text.utf8)
        return String(decoding: utf8[a..<b], as: UTF8.self)
    }
}

