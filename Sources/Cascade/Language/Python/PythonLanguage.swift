import Foundation

/// Python behind `LanguageSupport`: functions and methods of top-level classes are tested
/// with `assert` lines; everything else is a plain completion checked by `compile`.
public struct PythonLanguage: LanguageSupport {
    public init() {}

    public var languageId: String { "python" }
    public var fileExtensions: [String] { ["py", "pyi", "pyw"] }
    public var vocabulary: PromptVocabulary {
        PromptVocabulary(
            name: "Python", fenceTag: "python", lineComment: "#", stubBody: "pass",
            testShape: "assert CALL == EXPECTED", testLead: "assert ")
    }

    public func context(in text: String, line: Int, utf16Column: Int?) -> CompletionContext {
        PythonContextFinder(text: text).context(line: line)
    }

    /// `def test_f():` with one assert a line, as pytest collects it.
    public func testFunction(for entryPoint: String, tests: [String]) -> String {
        "def test_\(entryPoint)():\n" + tests.map { "    \($0)\n" }.joined()
    }

    public func functionContext(named name: String, in text: String) -> CompletionContext? {
        let finder = PythonContextFinder(text: text)
        guard let def = finder.source.statements
            .filter({ $0.isDef && $0.definedName == name })
            .min(by: { $0.indent < $1.indent }) else { return nil }
        return finder.context(line: def.first)
    }

    public func extractSolution(from raw: String, for context: CompletionContext) -> SolutionCandidate? {
        PythonExtractor(context: context).solution(from: raw)
    }

    public func extractTests(from raw: String, for context: CompletionContext, limit: Int) -> [String] {
        PythonExtractor(context: context).tests(from: raw, limit: limit)
    }

    /// Whitespace outside string literals does not make a test different.
    public func deduplicationKey(for test: String) -> String {
        PythonExtractor.key(test)
    }

    public func extractPlainCompletion(from raw: String, for context: CompletionContext) -> String {
        PythonExtractor(context: context).plain(from: raw)
    }

    /// Doctests, example lines, `For x = …` sentences and `Input:`/`Output:` pairs of the docstring.
    public func examples(in context: CompletionContext) -> [UserExample] {
        PythonExamples(context: context).all()
    }

    /// After a shebang, encoding line, module docstring and existing future imports.
    public func moduleImportInsertion(of imports: [String], in text: String) -> ModuleImportInsertion? {
        PythonModuleImports.insertion(of: imports, in: text)
    }

    /// `compile` of the enclosing definition with the completion in place; never executes it.
    public func syntaxCheckProgram(for completion: String, in context: CompletionContext) -> String? {
        let inserted = completion.hasPrefix(context.completionLead)
            ? String(completion.dropFirst(context.completionLead.count)) : completion
        let code = context.programHead + inserted + context.programTail
        let encoded = Data(code.utf8).base64EncodedString()
        return """
            import base64, textwrap
            compile(textwrap.dedent(base64.b64decode("\(encoded)").decode("utf-8")), "<completion>", "exec")

            """
    }
}
