import Cascade
import Foundation
import JSONRPC

/// Builds the engine from a configuration object (`initializationOptions`, or the
/// `settings` of `workspace/didChangeConfiguration`); nil means "look the config up the
/// usual way" (`ConfigLoader`'s lookup order). Throws an error whose description tells the user what to fix.
public typealias EngineFactory = @Sendable (JSONValue?) throws -> any CompletionEngine

/// The Cascade language server: one actor, one `switch`, every request answered once.
///
/// Cheap requests are answered in arrival order from the message loop. Cascades run in
/// tasks registered in `pending`; whoever removes a request from `pending` answers it
/// (the finished task, a cancellation, a superseding request, or shutdown), which is
/// what makes "exactly once" hold.
public actor LanguageServer {
    enum Phase { case uninitialized, running, shutDown }

    /// Background work answering one request.
    struct PendingWork {
        var task: Task<Void, Never>?
        /// Set for completion-like work that a newer request for the same document supersedes.
        var supersedableURI: String?
        var progressToken: JSONValue?
    }

    /// A finished cascade kept for `cascade.insertTests`.
    struct StoredReport {
        var report: CascadeReport
        var uri: String
    }

    let connection: JSONRPCConnection
    let engineFactory: EngineFactory
    let ledger: Ledger
    /// What the server knows of languages (finding functions, imports, test functions): the
    /// same registry the engine is given.
    let languages: LanguageRegistry

    var phase = Phase.uninitialized
    var engine: (any CompletionEngine)?
    var engineProblem: String?
    var encoding = PositionEncoding.utf16
    var clientCapabilities: JSONValue = .null
    var documents: [String: TextDocument] = [:]
    var pending: [RequestID: PendingWork] = [:]
    /// Last report per document and function, for `cascade.insertTests`.
    var lastReports: [String: [String: CascadeReport]] = [:]
    var lastEntryPoint: [String: String] = [:]
    var progressCounter = 0
    /// Full cascades run in the background for automatic requests, by document.
    var escalations: [String: BackgroundEscalation] = [:]

    public init(connection: JSONRPCConnection, engineFactory: @escaping EngineFactory, ledger: Ledger, languages: LanguageRegistry = .standard) {
        self.connection = connection
        self.engineFactory = engineFactory
        self.ledger = ledger
        self.languages = languages
    }

    /// The support for `document`'s language, nil when there is none.
    nonisolated func language(of document: TextDocument) -> (any LanguageSupport)? {
        languages.language(languageId: document.languageId, uri: document.uri)
    }

    /// Serves until `exit` or the end of input.
    /// - Returns: the process exit code: 0 after `shutdown`, 1 without.
    public func run() async -> Int32 {
        connection.start()
        for await message in connection.incoming {
            switch message {
            case .request(let id, let method, let params):
                handleRequest(id: id, method: method, params: params)
            case .notification(let method, let params):
                if method == LSPMethod.exit { return finish() }
                handleNotification(method: method, params: params)
            }
        }
        return finish()
    }

    private func finish() -> Int32 {
        for (_, work) in pending { work.task?.cancel() }
        pending.removeAll()
        for uri in Array(escalations.keys) { cancelEscalation(uri: uri) }
        connection.flush()
        return phase == .shutDown ? 0 : 1
    }

    // MARK: Dispatch

    func handleRequest(id: RequestID, method: String, params: JSONValue?) {
        if phase == .uninitialized && method != LSPMethod.initialize {
            reply(id, .failure(ResponseError(.serverNotInitialized, "'\(method)' before 'initialize'; send 'initialize' first")))
            return
        }
        if phase == .shutDown {
            reply(id, .failure(ResponseError(.invalidRequest, "'\(method)' after 'shutdown'; only 'exit' is accepted now")))
            return
        }
        if pending[id] != nil {
            reply(id, .failure(ResponseError(.invalidRequest, "request id \(id) is still in use by an unanswered request; use a fresh id")))
            return
        }
        do {
            switch method {
            case LSPMethod.initialize:
                reply(id, .success(try initialize(params)))
            case LSPMethod.shutdown:
                shutdown()
                reply(id, .success(.null))
            case LSPMethod.inlineCompletion:
                let request = try decode(params, as: InlineCompletionParams.self, for: method)
                let automatic = request.context?.triggerKind == 2
                try startCascade(
                    id: id, uri: request.textDocument.uri, position: request.position, mode: automatic ? .firstTier : .full,
                    token: request.workDoneToken, answer: .inline(automatic: automatic))
            case LSPMethod.completion:
                let request = try decode(params, as: TextDocumentPositionParams.self, for: method)
                let trigger = params?["context"]?["triggerKind"]?.intValue ?? 1
                try startCascade(
                    id: id, uri: request.textDocument.uri, position: request.position, mode: trigger == 1 ? .full : .firstTier,
                    token: request.workDoneToken, answer: .list)
            case LSPMethod.codeAction:
                reply(id, .success(try codeActions(try decode(params, as: CodeActionParams.self, for: method))))
            case LSPMethod.codeActionResolve:
                try resolveCodeAction(id: id, try decode(params, as: CodeAction.self, for: method))
            case LSPMethod.executeCommand:
                try executeCommand(id: id, try decode(params, as: ExecuteCommandParams.self, for: method))
            case LSPMethod.cascadeLedger:
                let ledger = self.ledger
                pending[id] = PendingWork()
                pending[id]?.task = Task {
                    let session = await ledger.summary()
                    let allTime = await ledger.allTime()
                    self.complete(id, Result {
                        var answer = try JSONValue(encoding: session)
                        if case .object(var members) = answer {
                            members["allTime"] = try JSONValue(encoding: allTime)
                            answer = .object(members)
                        }
                        return answer
                    }.mapError { ResponseError(.internalError, "\($0)") })
                }
            default:
                reply(id, .failure(ResponseError(.methodNotFound, "unknown method '\(method)'")))
            }
        } catch let error as ResponseError {
            reply(id, .failure(error))
        } catch {
            reply(id, .failure(ResponseError(.internalError, "\(error)")))
        }
    }

    func handleNotification(method: String, params: JSONValue?) {
        if phase == .uninitialized { return }  // dropped, as LSP asks (exit is handled by the loop)
        do {
            switch method {
            case LSPMethod.initialized, LSPMethod.setTrace:
                break
            case LSPMethod.didOpen:
                let open = try decode(params, as: DidOpenTextDocumentParams.self, for: method).textDocument
                documents[open.uri] = TextDocument(uri: open.uri, languageId: open.languageId, version: open.version, text: open.text)
            case LSPMethod.didChange:
                try didChange(try decode(params, as: DidChangeTextDocumentParams.self, for: method))
            case LSPMethod.didClose:
                let uri = try decode(params, as: DidCloseTextDocumentParams.self, for: method).textDocument.uri
                documents[uri] = nil
                lastReports[uri] = nil
                for (id, work) in pending where work.supersedableURI == uri {
                    cancel(id, "\(uri) was closed")
                }
                cancelEscalation(uri: uri)
            case LSPMethod.didSave:
                let save = try decode(params, as: DidSaveTextDocumentParams.self, for: method)
                if let text = save.text, var document = documents[save.textDocument.uri] {
                    try document.apply(TextDocumentContentChangeEvent(range: nil, text: text), encoding: encoding)
                    documents[save.textDocument.uri] = document
                }
            case LSPMethod.didChangeConfiguration:
                reloadConfiguration(params?["settings"])
            case LSPMethod.cancelRequest:
                guard let id = params?["id"].flatMap(RequestID.init(json:)) else {
                    throw ResponseError(.invalidParams, "$/cancelRequest needs an 'id' (number or string)")
                }
                cancel(id, "cancelled by the client")
            case LSPMethod.workDoneProgressCancel:
                guard let token = params?["token"] else { throw ResponseError(.invalidParams, "window/workDoneProgress/cancel needs a 'token'") }
                for (id, work) in pending where work.progressToken == token {
                    cancel(id, "cancelled from the progress indicator")
                }
            default:
                if !method.hasPrefix("$/") { log("ignored unknown notification '\(method)'") }
            }
        } catch {
            warn("\(method): \(error)")
        }
    }

    // MARK: Lifecycle

    private func initialize(_ params: JSONValue?) throws -> JSONValue {
        guard phase == .uninitialized else { throw ResponseError(.invalidRequest, "'initialize' was already sent") }
        if let params, params.objectValue == nil {
            throw ResponseError(.invalidParams, "initialize: params must be an object")
        }
        clientCapabilities = params?["capabilities"] ?? .null
        let offered = clientCapabilities["general"]?["positionEncodings"]?.arrayValue ?? []
        encoding = offered.contains(.string(PositionEncoding.utf8.rawValue)) ? .utf8 : .utf16
        phase = .running
        let options = params?["initializationOptions"].flatMap { $0 == .null ? nil : $0 }
        loadEngine(options, source: "initializationOptions")
        return [
            "capabilities": [
                "positionEncoding": .string(encoding.rawValue),
                "textDocumentSync": 2,
                "inlineCompletionProvider": ["workDoneProgress": true],
                "completionProvider": ["resolveProvider": false, "workDoneProgress": true],
                "codeActionProvider": ["codeActionKinds": ["refactor.rewrite"], "resolveProvider": true],
                "executeCommandProvider": ["commands": .array(CascadeCommand.all.map(JSONValue.string))],
                // `cascade/suggestion` notifications, for clients that declare the same key.
                "experimental": ["cascadeSuggestions": true],
            ],
            "serverInfo": ["name": "cascade", "version": "0.1.0"],
        ]
    }

    private func shutdown() {
        for id in Array(pending.keys) { cancel(id, "the server is shutting down") }
        for uri in Array(escalations.keys) { cancelEscalation(uri: uri) }
        phase = .shutDown
    }

    /// Builds the engine; on failure says why in the editor and keeps the previous engine.
    func loadEngine(_ options: JSONValue?, source: String) {
        do {
            engine = try engineFactory(options)
            engineProblem = nil
        } catch {
            let keeping = engine != nil ? "; keeping the previous configuration" : "; completions are off until it is fixed"
            engineProblem = "Cascade configuration error (\(source)): \(error)"
            connection.notify(LSPMethod.showMessage, ["type": 1, "message": .string(engineProblem! + keeping)])
            log(engineProblem! + keeping)
        }
    }

    private func reloadConfiguration(_ settings: JSONValue?) {
        var options = settings
        if let nested = settings?["cascade"] { options = nested }
        if options == .null || options == [:] { options = nil }
        loadEngine(options, source: "workspace/didChangeConfiguration")
    }

    // MARK: Documents

    private func didChange(_ change: DidChangeTextDocumentParams) throws {
        let uri = change.textDocument.uri
        guard var document = documents[uri] else {
            throw ResponseError(.invalidParams, "didChange for \(uri), which is not open; send didOpen first")
        }
        defer { documents[uri] = document }
        for event in change.contentChanges {
            try document.apply(event, encoding: encoding)
        }
        if let version = change.textDocument.version { document.version = version }
    }

    /// The open document, or -32602 naming the uri.
    func openDocument(_ uri: String) throws -> TextDocument {
        guard let document = documents[uri] else {
            throw ResponseError(.invalidParams, "document \(uri) is not open; send textDocument/didOpen first")
        }
        return document
    }

    // MARK: Answering

    func reply(_ id: RequestID, _ result: Result<JSONValue, ResponseError>) {
        connection.reply(to: id, result)
    }

    /// Answers pending request `id` unless someone already did.
    func complete(_ id: RequestID, _ result: Result<JSONValue, ResponseError>) {
        guard pending.removeValue(forKey: id) != nil else { return }
        reply(id, result)
    }

    /// Cancels pending request `id` and answers it -32800 now, without waiting for its task.
    func cancel(_ id: RequestID, _ why: String) {
        guard let work = pending.removeValue(forKey: id) else { return }
        work.task?.cancel()
        reply(id, .failure(.cancelled(why)))
    }

    func decode<T: Decodable>(_ params: JSONValue?, as type: T.Type, for method: String) throws -> T {
        do {
            return try (params ?? .null).decode(T.self)
        } catch {
            throw ResponseError(.invalidParams, "invalid params for \(method): \(error)")
        }
    }

    func log(_ message: String) {
        JSONRPCConnection.logToStandardError(message)
    }

    /// A warning the editor shows in its log (notifications cannot be answered with errors).
    func warn(_ message: String) {
        log(message)
        connection.notify(LSPMethod.logMessage, ["type": 2, "message": .string(message)])
    }
}
