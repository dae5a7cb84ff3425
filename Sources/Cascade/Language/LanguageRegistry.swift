/// The languages the engine can test, found by LSP language id or by file extension.
public struct LanguageRegistry: Sendable {
    public let languages: [any LanguageSupport]

    public init(_ languages: [any LanguageSupport]) {
        self.languages = languages
    }

    /// Every language this build supports.
    public static let standard = LanguageRegistry([PythonLanguage(), JavaScriptLanguage()])

    public var supportedIds: [String] { languages.map(\.languageId) }

    /// The language with this LSP id (case-insensitive), if supported.
    public func language(id: String) -> (any LanguageSupport)? {
        let wanted = id.lowercased()
        return languages.first { $0.languageId == wanted }
    }

    /// The language for a file extension (with or without the dot), if supported.
    public func language(fileExtension: String) -> (any LanguageSupport)? {
        var ext = fileExtension.lowercased()
        if ext.hasPrefix(".") { ext.removeFirst() }
        return languages.first { $0.fileExtensions.contains(ext) }
    }

    /// The language for a request: its language id first, else the extension of its URI or path.
    public func language(languageId: String, uri: String?) -> (any LanguageSupport)? {
        if let found = language(id: languageId) { return found }
        guard let uri, let dot = uri.lastIndex(of: "."),
              !uri[dot...].contains("/") else { return nil }
        return language(fileExtension: String(uri[uri.index(after: dot)...]))
    }
}
