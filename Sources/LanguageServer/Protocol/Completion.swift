import JSONRPC

public struct InlineCompletionItem: Sendable, Hashable, Codable {
    public var insertText: String
    public var filterText: String?
    /// The text to replace: from the start of the replaced lines to their end (or the cursor).
    public var range: TextRange?
    public var command: LSPCommand?
    /// Not in LSP's inline item; carried for clients that read it (`data.cascade`).
    public var data: JSONValue?
}

public struct InlineCompletionList: Sendable, Hashable, Codable {
    public var items: [InlineCompletionItem]
}

public struct CompletionItem: Sendable, Hashable, Codable {
    public var label: String
    /// 15 = Snippet-like kind; 1 = Text. We use 1 so clients do not expand `$`.
    public var kind: Int?
    public var detail: String?
    public var documentation: MarkupContent?
    public var filterText: String?
    public var sortText: String?
    public var preselect: Bool?
    /// 1 = plain text.
    public var insertTextFormat: Int?
    public var textEdit: TextEdit?
    public var additionalTextEdits: [TextEdit]?
    public var command: LSPCommand?
    public var data: JSONValue?
}

public struct CompletionList: Sendable, Hashable, Codable {
    public var isIncomplete: Bool
    public var items: [CompletionItem]
}
