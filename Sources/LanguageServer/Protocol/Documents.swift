public struct TextDocumentItem: Sendable, Hashable, Codable {
    public var uri: String
    public var languageId: String
    public var version: Int
    public var text: String
}

/// A change: the whole text when `range` is nil, else `range` replaced by `text`.
public struct TextDocumentContentChangeEvent: Sendable, Hashable, Codable {
    public var range: TextRange?
    public var text: String
}
