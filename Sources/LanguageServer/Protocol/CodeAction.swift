import JSONRPC

public struct CodeAction: Sendable, Hashable, Codable {
    public var title: String
    public var kind: String?
    public var edit: WorkspaceEdit?
    public var command: LSPCommand?
    /// What `codeAction/resolve` needs: `{uri, line}` in the function.
    public var data: GenerateFromDocstringArguments?
}

/// Argument of `cascade.generateFromDocstring`, and the `data` of its code action.
public struct GenerateFromDocstringArguments: Sendable, Hashable, Codable {
    public var uri: String
    /// 0-based line in the function (the `def`, or wherever the code action was asked).
    public var line: Int
}

/// Argument of `cascade.insertTests`: which function, and optionally the tests themselves.
public struct InsertTestsArguments: Sendable, Hashable, Codable {
    public var uri: String
    /// The function's name; defaults to the function at `line`, else to the entry point of
    /// the last report for the document.
    public var entryPoint: String?
    /// A 0-based line inside the function (the client's cursor).
    public var line: Int?
    /// Tests to insert instead of the last report's.
    public var tests: [String]?
}

/// Argument of `cascade.accepted`.
public struct AcceptedArguments: Sendable, Hashable, Codable {
    /// The report's `id` (`data.cascade.id`).
    public var id: String
    /// The document an inline completion went into, and the module-level imports it needs
    /// (the report's `imports`): an inline item cannot carry a second edit, so accepting it
    /// adds the ones the document still lacks with `workspace/applyEdit`. Absent otherwise.
    public var uri: String?
    public var imports: [String]?
}
