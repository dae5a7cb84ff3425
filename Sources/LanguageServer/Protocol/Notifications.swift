import JSONRPC

// Every notification the server acts on: its method and its params (the type itself).
// `exit` has no params and ends the message loop before dispatch.

public struct InitializedNotification: NotificationType, ParamsIgnored {
    public static let method = "initialized"
    public init() {}
}

public struct SetTraceNotification: NotificationType, ParamsIgnored {
    public static let method = "$/setTrace"
    public init() {}
}

public struct DidOpenTextDocumentNotification: NotificationType {
    public static let method = "textDocument/didOpen"
    public var textDocument: TextDocumentItem
}

public struct DidChangeTextDocumentNotification: NotificationType {
    public static let method = "textDocument/didChange"
    public var textDocument: VersionedTextDocumentIdentifier
    public var contentChanges: [TextDocumentContentChangeEvent]
}

public struct DidCloseTextDocumentNotification: NotificationType {
    public static let method = "textDocument/didClose"
    public var textDocument: TextDocumentIdentifier
}

public struct DidSaveTextDocumentNotification: NotificationType {
    public static let method = "textDocument/didSave"
    public var textDocument: TextDocumentIdentifier
    public var text: String?
}

public struct DidChangeConfigurationNotification: NotificationType {
    public static let method = "workspace/didChangeConfiguration"
    /// The configuration, or `{"cascade": configuration}`; null or empty to look it up again.
    public var settings: JSONValue?

    /// Parsed, not decoded, as `InitializeRequest`'s options are.
    public static func decode(_ params: RawJSON?) throws -> Self {
        Self(settings: try invalidParams { try params?.parsed() }?["settings"])
    }
}

public struct CancelRequestNotification: NotificationType {
    public static let method = "$/cancelRequest"
    public var id: RequestID
}

public struct WorkDoneProgressCancelNotification: NotificationType {
    public static let method = "window/workDoneProgress/cancel"
    public var token: JSONValue
}
