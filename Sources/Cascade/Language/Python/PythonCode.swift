/// One logical statement of Python code: the physical lines it spans (joined by open
/// brackets, triple-quoted strings or a trailing backslash) and its text.
public struct PythonStatementSpan: Sendable, Equatable {
    /// First and last physical line (0-based, inclusive).
    public var firstLine: Int
    public var lastLine: Int
    /// Indentation width in columns.
    public var indent: Int
    /// The indentation as written.
    public var indentText: String
    /// The statement's text without the first line's indentation.
    public var text: String
}

/// Python structure for tools outside the engine that edit Python code, e.g. an evaluation
/// that removes some asserts from a hidden test: the same reading of statements and calls
/// the engine uses, so both agree on where a statement ends.
extension PythonLanguage {
    /// The logical statements of `code`, in order; blank and comment-only lines are not statements.
    public func statements(in code: String) -> [PythonStatementSpan] {
        PythonSource(code).statements.map {
            PythonStatementSpan(firstLine: $0.first, lastLine: $0.last, indent: $0.indent, indentText: $0.indentText, text: $0.text)
        }
    }

    /// The argument text of every call of the function `name` in `code` (outside strings and
    /// comments, not as an attribute), e.g. `1, [2]` for `f(1, [2])`.
    public func callArguments(of name: String, in code: String) -> [String] {
        let chars = Array(code)
        return PythonCalls.calls(of: name, in: PythonCalls.masked(code).chars).map { String(chars[($0.open + 1)..<$0.close]) }
    }
}
