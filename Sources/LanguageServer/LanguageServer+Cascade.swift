import Cascade
import Foundation
import JSONRPC

extension LanguageServer {
    /// A cascade ready to run: the document and position it was asked at, the engine's
    /// request and the engine that will answer it.
    struct PreparedCascade: Sendable {
        var document: TextDocument
        var position: Position
        var request: CompletionRequest
        var engine: any CompletionEngine
    }

    func inlineCompletion(_ request: InlineCompletionRequest, id: RequestID) throws -> Reply<InlineCompletionList> {
        let automatic = request.isAutomatic
        let cascade = try prepareCascade(
            uri: request.textDocument.uri, position: request.position, mode: automatic ? .firstTier : .full, supersedes: true)
        let notifier = suggestionNotifier(id: id, cascade)
        return answerLater(id, supersedableURI: cascade.document.uri) { server in
            let finished: FinishedCascade
            do {
                finished = try await server.runCascade(cascade, id: id, explicitToken: request.workDoneToken, notifier: notifier)
            } catch let failure as ResponseError where automatic && failure.code == .requestFailed {
                // A failure the user did not ask for is logged, not shown.
                server.log("automatic inline completion failed: \(failure.message)")
                return InlineCompletionList(items: [])
            }
            return server.inlineAnswer(finished, automatic: automatic, notifier: notifier)
        }
    }

    func listCompletion(_ request: ListCompletionRequest, id: RequestID) throws -> Reply<CompletionList> {
        let cascade = try prepareCascade(
            uri: request.textDocument.uri, position: request.position, mode: request.isInvoked ? .full : .firstTier, supersedes: true)
        return answerLater(id, supersedableURI: cascade.document.uri) { server in
            server.listAnswer(try await server.runCascade(cascade, id: id, explicitToken: request.workDoneToken, notifier: nil))
        }
    }

    /// Validates the request and supersedes older completions of the document when asked
    /// (completions supersede completions; an explicit "generate" is neither superseded nor
    /// superseding).
    /// - Throws: `ResponseError` (-32602, -32803), answered at once.
    func prepareCascade(uri: String, position: Position, mode: CompletionRequest.Mode, supersedes: Bool) throws -> PreparedCascade {
        let document = try openDocument(uri)
        // The engine's request carries the cursor whole; converting it also checks the position.
        let utf16Column: Int
        do {
            utf16Column = try document.utf16Column(of: position, encoding: encoding)
        } catch {
            throw ResponseError(.invalidParams, "\(error)")
        }
        guard let engine else {
            throw ResponseError(.requestFailed, (engineProblem ?? "no completion engine") + "; fix the configuration and send workspace/didChangeConfiguration")
        }
        if supersedes {
            for (otherID, work) in pending where work.supersedableURI == uri {
                cancel(otherID, "superseded by a newer completion request for \(uri)")
            }
        }
        let request = CompletionRequest(
            text: document.text, line: position.line, utf16Column: utf16Column, languageId: document.languageId, uri: uri, mode: mode)
        return PreparedCascade(document: document, position: position, request: request, engine: engine)
    }

    /// Runs the cascade with progress (and suggestions, for a notifier), records what it
    /// spent, sends `cascade/report` and keeps the report for `cascade.insertTests`.
    /// - Throws: -32800 when cancelled (or answered meanwhile), -32803 when the cascade failed.
    func runCascade(_ cascade: PreparedCascade, id: RequestID, explicitToken: JSONValue?, notifier: SuggestionNotifier?) async throws -> FinishedCascade {
        let progress = WorkDoneProgress(connection: connection)
        startProgress(progress, for: id, explicitToken: explicitToken)
        let document = cascade.document
        let onProgress: @Sendable (CascadeProgress) -> Void = { step in
            if case .candidate(let preview) = step, let notifier, !Task.isCancelled {
                notifier.candidate(preview, imports: self.moduleImportInsertion(preview.imports, in: document))
            }
            progress.report(step.message)
        }
        let result: CompletionResult
        let engineStart = ContinuousClock.now
        do {
            result = try await cascade.engine.complete(cascade.request, progress: onProgress)
        } catch {
            let cancelled = error is CancelledCascade || error is CancellationError || Task.isCancelled
            if let cancelled = error as? CancelledCascade { await ledger.record(cancelled) }
            progress.end(cancelled ? "cancelled" : "failed")
            throw cancelled ? ResponseError.cancelled() : ResponseError(.requestFailed, "cascade failed: \(error)")
        }
        // The money is spent whether or not anyone still wants the answer.
        let session = await ledger.record(result.report)
        progress.end(ReportFormatter().detail(result.report))
        let report = result.report
        if let entryPoint = report.entryPoint {
            lastReports[document.uri, default: [:]][entryPoint] = report
            lastEntryPoint[document.uri] = entryPoint
        }
        // Encoded once, and the same JSON goes everywhere the report and its badge go.
        let finished = FinishedCascade(
            cascade: cascade, result: result,
            reportJSON: (try? JSONValue(encoding: report)) ?? .null,
            badgeJSON: JSONValue(ReportFormatter().badge(report)),
            // The engine's time to sub-millisecond precision (the report's `latencyMs` is whole
            // ms), so a client or benchmark can tell the server's own overhead from the cascade.
            engineMs: (ContinuousClock.now - engineStart).milliseconds,
            edits: CompletionEdits(
                document: document, encoding: encoding, cursor: cascade.position,
                startLine: result.startLine, endLine: result.endLine, text: report.completion,
                imports: moduleImportInsertion(report.imports, in: document)))
        // What the editor shows: the server's badge, and the session's totals for a status line.
        notifyReport(finished.reportJSON, of: cascade, badge: finished.badgeJSON, session: JSONValue(session))
        if Task.isCancelled || pending[id] == nil { throw ResponseError.cancelled() }
        return finished
    }

    /// `cascade/report`: a finished cascade's report, with its badge and the session's
    /// totals when it answered a request, or marked `background`.
    func notifyReport(_ reportJSON: JSONValue, of cascade: PreparedCascade, badge: JSONValue? = nil, session: JSONValue? = nil) {
        var params: [String: JSONValue] = [
            "uri": .string(cascade.document.uri),
            "position": JSONValue(cascade.position),
            "report": reportJSON,
        ]
        if let badge, let session {
            params["badge"] = badge
            params["session"] = session
        } else {
            params["background"] = true
        }
        connection.notify(LSPMethod.cascadeReport, .object(params))
    }

    /// A cascade that ended, with what every kind of answer is built from.
    struct FinishedCascade {
        var cascade: PreparedCascade
        var result: CompletionResult
        var reportJSON: JSONValue
        var badgeJSON: JSONValue
        var engineMs: Double
        var edits: CompletionEdits

        var report: CascadeReport { result.report }
        var document: TextDocument { cascade.document }
        var usable: Bool { report.status != .failed && report.status != .cancelled && !report.completion.isEmpty }
        var accepted: LSPCommand {
            LSPCommand(title: "Cascade: accepted", command: CascadeCommand.accepted, arguments: [["id": .string(report.id)]])
        }
        /// The imports it needs first, then the body.
        var workspaceEdit: WorkspaceEdit {
            WorkspaceEdit(changes: [document.uri: (edits.importEdit.map { [$0] } ?? []) + [edits.regionEdit]])
        }
    }

    /// An automatic request shows only verified code: when larger tiers remain, they run in
    /// the background and nothing is shown now.
    private func inlineAnswer(_ finished: FinishedCascade, automatic: Bool, notifier: SuggestionNotifier?) -> InlineCompletionList {
        let report = finished.report
        if automatic && finished.result.largerTiersRemain {
            escalateInBackground(finished.cascade, function: finished.result.function)
            notifier?.escalating(report)
            return InlineCompletionList(items: [])
        }
        notifier?.verdict(report, reportJSON: finished.reportJSON, badgeJSON: finished.badgeJSON, edits: finished.usable ? finished.edits : nil)
        guard finished.usable else {
            if !automatic { showNoCompletion(report) }
            return InlineCompletionList(items: [])
        }
        // An inline item has no room for a second edit: accepting it adds the imports.
        let command = finished.edits.importEdit == nil ? finished.accepted : LSPCommand(
            title: finished.accepted.title, command: CascadeCommand.accepted,
            arguments: [["id": .string(report.id), "uri": .string(finished.document.uri),
                         "imports": .array((report.imports ?? []).map(JSONValue.string))]])
        let edit = finished.edits.inlineEdit
        let item = InlineCompletionItem(
            insertText: edit.newText, filterText: nil, range: edit.range, command: command,
            data: ["cascade": finished.reportJSON, "engineMs": .double(finished.engineMs), "badge": finished.badgeJSON])
        return InlineCompletionList(items: [item])
    }

    private func listAnswer(_ finished: FinishedCascade) -> CompletionList {
        let report = finished.report
        guard finished.usable else {
            showNoCompletion(report)
            return CompletionList(isIncomplete: false, items: [])
        }
        var (main, additional) = finished.edits.listEdits
        if let importEdit = finished.edits.importEdit { additional.insert(importEdit, at: 0) }
        let typed = typedText(in: finished.document, from: main.range.start, to: finished.cascade.position)
        let label = report.completion.split(separator: "\n").first.map { String($0.drop(while: { $0 == " " || $0 == "\t" }).prefix(60)) } ?? report.id
        let item = CompletionItem(
            label: label, kind: 1, detail: ReportFormatter().detail(report), documentation: .markdown(ReportFormatter().markdown(report)),
            filterText: typed.isEmpty ? nil : typed, sortText: "0", preselect: true, insertTextFormat: 1,
            textEdit: main, additionalTextEdits: additional.isEmpty ? nil : additional, command: finished.accepted,
            data: ["cascade": finished.reportJSON, "badge": finished.badgeJSON])
        return CompletionList(isIncomplete: false, items: [item])
    }

    /// `codeAction/resolve`: the action with its edit.
    func codeActionAnswer(_ finished: FinishedCascade, action: CodeAction) throws -> CodeAction {
        let report = finished.report
        guard finished.usable else {
            throw ResponseError(.requestFailed, "the cascade found no usable body (\(report.status.rawValue))\(report.reason.map { ": " + $0 } ?? "")")
        }
        var action = action
        action.edit = finished.workspaceEdit
        return action
    }

    /// `cascade.generateFromDocstring`: asks the client to apply the edit, answers `{applied, report, badge}`.
    func appliedEditAnswer(_ finished: FinishedCascade) async -> CommandAnswer {
        var applied = false
        if finished.usable {
            applied = await applyEdit(label: "Generate \(finished.report.entryPoint ?? "function") from docstring", finished.workspaceEdit)
        }
        return CommandAnswer(applied: applied, report: finished.reportJSON, badge: finished.badgeJSON)
    }

    /// Why an invoked completion has nothing to show, where every client shows it (an empty
    /// list alone says nothing, and `cascade/report` is ours).
    private func showNoCompletion(_ report: CascadeReport) {
        let why = report.reason ?? report.status.rawValue
        connection.notify(LSPMethod.showMessage, ["type": 2, "message": .string("Cascade found no completion: \(why)")])
    }

    /// The notifier of an inline completion's progressive suggestions, when the client asked for them.
    private func suggestionNotifier(id: RequestID, _ cascade: PreparedCascade) -> SuggestionNotifier? {
        guard clientCapabilities["experimental"]?["cascadeSuggestions"]?.boolValue == true else { return nil }
        return SuggestionNotifier(connection: connection, requestID: id, document: cascade.document, encoding: encoding, position: cascade.position)
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

