import Cascade
import JSONRPC

/// How a handler answers its request: now, or later from work started with `answerLater`
/// (the only way to make a `.later`, so no request is left without an answer).
struct Reply<Response: Encodable & Sendable>: Sendable {
    fileprivate enum Kind: Sendable {
        case now(Response)
        case later
    }

    fileprivate let kind: Kind

    static func now(_ response: Response) -> Reply { Reply(kind: .now(response)) }
}

/// A request's handler: decodes the params once, as the type its method names, and answers
/// through `LanguageServer.reply`.
struct RequestHandler: Sendable {
    let handle: @Sendable (isolated LanguageServer, RequestID, RawJSON?) -> Void

    init<Request: RequestType>(
        _ type: Request.Type,
        _ body: @escaping @Sendable (isolated LanguageServer, Request, RequestID) throws -> Reply<Request.Response>
    ) {
        handle = { server, id, params in
            do {
                if case .now(let response) = try body(server, try Request.decode(params), id).kind {
                    server.reply(id, .success(response))
                }
            } catch {
                server.reply(id, Result<Request.Response, any Error>.failure(error))
            }
        }
    }
}

/// A notification's handler: decodes the params once; what it throws is logged (a
/// notification has no answer to carry an error).
struct NotificationHandler: Sendable {
    let handle: @Sendable (isolated LanguageServer, RawJSON?) throws -> Void

    init<Notification: NotificationType>(_ type: Notification.Type, _ body: @escaping @Sendable (isolated LanguageServer, Notification) throws -> Void) {
        handle = { server, params in try body(server, try Notification.decode(params)) }
    }
}

extension LanguageServer {
    /// Every request the server answers, by method.
    static let requestHandlers: [String: RequestHandler] = [
        InitializeRequest.method: RequestHandler(InitializeRequest.self) { server, request, _ in .now(try server.initialize(request)) },
        ShutdownRequest.method: RequestHandler(ShutdownRequest.self) { server, _, _ in
            server.shutdown()
            return .now(NullResponse())
        },
        InlineCompletionRequest.method: RequestHandler(InlineCompletionRequest.self) { try $0.inlineCompletion($1, id: $2) },
        ListCompletionRequest.method: RequestHandler(ListCompletionRequest.self) { try $0.listCompletion($1, id: $2) },
        CodeActionRequest.method: RequestHandler(CodeActionRequest.self) { server, request, _ in .now(try server.codeActions(request)) },
        CodeActionResolveRequest.method: RequestHandler(CodeActionResolveRequest.self) { try $0.resolveCodeAction($1.action, id: $2) },
        ExecuteCommandRequest.method: RequestHandler(ExecuteCommandRequest.self) { try $0.executeCommand($1.call, id: $2) },
        LedgerRequest.method: RequestHandler(LedgerRequest.self) { server, _, id in
            let ledger = server.ledger
            return server.answerLater(id) { _ in LedgerTotals(session: await ledger.summary(), allTime: await ledger.allTime()) }
        },
    ]

    /// Every notification the server acts on, by method.
    static let notificationHandlers: [String: NotificationHandler] = [
        InitializedNotification.method: NotificationHandler(InitializedNotification.self) { _, _ in },
        SetTraceNotification.method: NotificationHandler(SetTraceNotification.self) { _, _ in },
        DidOpenTextDocumentNotification.method: NotificationHandler(DidOpenTextDocumentNotification.self) { $0.didOpen($1) },
        DidChangeTextDocumentNotification.method: NotificationHandler(DidChangeTextDocumentNotification.self) { try $0.didChange($1) },
        DidCloseTextDocumentNotification.method: NotificationHandler(DidCloseTextDocumentNotification.self) { $0.didClose($1) },
        DidSaveTextDocumentNotification.method: NotificationHandler(DidSaveTextDocumentNotification.self) { try $0.didSave($1) },
        DidChangeConfigurationNotification.method: NotificationHandler(DidChangeConfigurationNotification.self) { $0.reloadConfiguration($1.settings) },
        CancelRequestNotification.method: NotificationHandler(CancelRequestNotification.self) { $0.cancel($1.id, "cancelled by the client") },
        WorkDoneProgressCancelNotification.method: NotificationHandler(WorkDoneProgressCancelNotification.self) { server, notification in
            for (id, work) in server.pending where work.progressToken == notification.token {
                server.cancel(id, "cancelled from the progress indicator")
            }
        },
    ]

    func handleRequest(id: RequestID, method: String, params: RawJSON?) {
        if phase == .uninitialized && method != InitializeRequest.method {
            reply(id, failure: ResponseError(.serverNotInitialized, "'\(method)' before 'initialize'; send 'initialize' first"))
        } else if phase == .shutDown {
            reply(id, failure: ResponseError(.invalidRequest, "'\(method)' after 'shutdown'; only 'exit' is accepted now"))
        } else if pending[id] != nil {
            reply(id, failure: ResponseError(.invalidRequest, "request id \(id) is still in use by an unanswered request; use a fresh id"))
        } else if let handler = Self.requestHandlers[method] {
            handler.handle(self, id, params)
        } else {
            reply(id, failure: ResponseError(.methodNotFound, "unknown method '\(method)'"))
        }
    }

    func handleNotification(method: String, params: RawJSON?) {
        if phase == .uninitialized { return }  // dropped, as LSP asks (exit is handled by the loop)
        guard let handler = Self.notificationHandlers[method] else {
            if !method.hasPrefix("$/") { log("ignored unknown notification '\(method)'") }
            return
        }
        do {
            try handler.handle(self, params)
        } catch {
            warn("\(method): \(error)")
        }
    }

    // MARK: Answering

    /// The one place a request is answered: the response encoded once, an error mapped to
    /// its code (-32800 for a cancelled cascade, -32603 for anything not already a
    /// `ResponseError`).
    func reply<Response: Encodable>(_ id: RequestID, _ result: Result<Response, any Error>) {
        let answer: Result<JSONValue, ResponseError>
        switch result {
        case .success(let response):
            do {
                answer = .success(try JSONValue(encoding: response))
            } catch {
                answer = .failure(ResponseError(.internalError, "could not encode the answer: \(error)"))
            }
        case .failure(let error as ResponseError): answer = .failure(error)
        case .failure(is CancelledCascade), .failure(is CancellationError): answer = .failure(.cancelled())
        case .failure(let error): answer = .failure(ResponseError(.internalError, "\(error)"))
        }
        connection.reply(to: id, answer)
    }

    func reply(_ id: RequestID, failure error: ResponseError) {
        reply(id, Result<NullResponse, any Error>.failure(error))
    }

    /// Answers `id` from `work` run in the background: registered in `pending`, so a
    /// cancellation, a newer request for `supersedableURI` or shutdown can answer it first.
    func answerLater<Response: Encodable & Sendable>(
        _ id: RequestID, supersedableURI: String? = nil, _ work: @escaping @Sendable (isolated LanguageServer) async throws -> Response
    ) -> Reply<Response> {
        pending[id] = PendingWork(supersedableURI: supersedableURI)
        pending[id]?.task = Task {
            let result: Result<Response, any Error>
            do {
                result = .success(try await work(self))
            } catch {
                result = .failure(error)
            }
            self.complete(id, result)
        }
        return Reply(kind: .later)
    }

    /// Answers pending request `id` unless someone already did.
    private func complete<Response: Encodable>(_ id: RequestID, _ result: Result<Response, any Error>) {
        guard pending.removeValue(forKey: id) != nil else { return }
        reply(id, result)
    }

    /// Cancels pending request `id` and answers it -32800 now, without waiting for its task.
    func cancel(_ id: RequestID, _ why: String) {
        guard let work = pending.removeValue(forKey: id) else { return }
        work.task?.cancel()
        reply(id, failure: .cancelled(why))
    }
}
