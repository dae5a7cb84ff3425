import Cascade
import Foundation
import JSONRPC

/// Builds the engine from a configuration object (`initializationOptions`, or the
/// `settings` of `workspace/didChangeConfiguration`); nil means "look the config up the
/// usual way" (`ConfigLoader`'s lookup order). Throws an error whose description tells the user what to fix.
public typealias EngineFactory = @Sendable (JSONValue?) throws -> any CompletionEngine

/// The Cascade language server: one actor, a table of typed handlers, every request
/// answered once.
///
/// Each message's params are decoded once, as the type its method names (`Dispatch.swift`).
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

    // MARK: Lifecycle

    func initialize(_ request: InitializeRequest) throws -> InitializeResult {
        guard phase == .uninitialized else { throw ResponseError(.invalidRequest, "'initialize' was already sent") }
        clientCapabilities = request.capabilities ?? .null
        let offered = clientCapabilities["general"]?["positionEncodings"]?.arrayValue ?? []
        encoding = offered.contains(.string(PositionEncoding.utf8.rawValue)) ? .utf8 : .utf16
        phase = .running
        loadEngine(request.initializationOptions.flatMap { $0 == .null ? nil : $0 }, source: "initializationOptions")
        return InitializeResult(capabilities: ServerCapabilities(positionEncoding: encoding.rawValue))
    }

    func shutdown() {
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

    func reloadConfiguration(_ settings: JSONValue?) {
        var options = settings
        if let nested = settings?["cascade"] { options = nested }
        if options == .null || options == [:] { options = nil }
        loadEngine(options, source: "workspace/didChangeConfiguration")
    }

    // MARK: Documents

    func didOpen(_ open: DidOpenTextDocumentNotification) {
        let item = open.textDocument
        documents[item.uri] = TextDocument(uri: item.uri, languageId: item.languageId, version: item.version, text: item.text)
    }

    func didChange(_ change: DidChangeTextDocumentNotification) throws {
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

    func didClose(_ close: DidCloseTextDocumentNotification) {
        let uri = close.textDocument.uri
        documents[uri] = nil
        lastReports[uri] = nil
        for (id, work) in pending where work.supersedableURI == uri {
            cancel(id, "\(uri) was closed")
        }
        cancelEscalation(uri: uri)
    }

    func didSave(_ save: DidSaveTextDocumentNotification) throws {
        if let text = save.text, var document = documents[save.textDocument.uri] {
            try document.apply(TextDocumentContentChangeEvent(range: nil, text: text), encoding: encoding)
            documents[save.textDocument.uri] = document
        }
    }

    /// The open document, or -32602 naming the uri.
    func openDocument(_ uri: String) throws -> TextDocument {
        guard let document = documents[uri] else {
            throw ResponseError(.invalidParams, "document \(uri) is not open; send textDocument/didOpen first")
        }
        return document
    }

    // MARK: Logging

    func log(_ message: String) {
        JSONRPCConnection.logToStandardError(message)
    }

    /// A warning the editor shows in its log (notifications cannot be answered with errors).
    func warn(_ message: String) {
        log(message)
        connection.notify(LSPMethod.logMessage, ["type": 2, "message": .string(message)])
    }
}
