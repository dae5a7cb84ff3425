public struct TextDocumentItem: Sendable, Hashable, Codable {
    public var uri: String
    public var languageId: String
    public var version: Int
    public var text: String
}

public struct DidOpenTextDocumentParams: Sendable, Hashable, Codable {
    public var textDocument: TextDocumentItem
}

/// A change: the whole text when `range` is nil, else `range` replaced by `text`.
public struct TextDocumentContentChangeEvent: Sendable, Hashable, Codable {
    public var range: TextRange?
    public var text: String
}

public struct DidChangeTextDocumentParams: Sendable, Hashable, Codable {
    public var textDocument: VersionedTextDocumentIdentifier
    public var contentChanges: [TextDocumentContentChangeEvent]
}

public struct DidCloseTextDocumentParams: Sendable, Hashable, Codable {
    public var textDocument: TextDocumentIdentifier
}

public struct DidSaveTextDocumentParams: Sendable, Hashable, Codable {
    public var textDocument: TextDocumentIdentifier
    public var text: String?
}
