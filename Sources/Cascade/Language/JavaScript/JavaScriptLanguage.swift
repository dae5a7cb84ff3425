import Foundation

/// JavaScript (Node.js) behind `LanguageSupport`: top-level functions and methods of
/// top-level classes are tested with `node:assert` lines (`assert.strictEqual`,
/// `assert.deepStrictEqual`, `assert.ok`); everything else is a plain completion whose syntax
/// is checked by compiling it, never running it.
public struct JavaScriptLanguage: LanguageSupport {
    /// `function test_f() { … }` with node's `assert`, which `node -e` or a test runner can call.
    public func testFunction(for entryPoint: String, tests: [String]) -> String {
        "function test_\(entryPoint)() {\n  const assert = require('node:assert');\n" + tests.map { "  \($0)\n" }.joined() + "}\n"
    }

    public init() {}

    public var languageId: String { "javascript" }
    public var fileExtensions: [String] { ["js", "mjs", "cjs", "jsx"] }
    public var vocabulary: PromptVocabulary {
        PromptVocabulary(
            name: "JavaScript", fenceTag: "javascript", lineComment: "//",
            stubBody: "throw new Error('not implemented');",
            testShape: "assert.strictEqual(CALL, EXPECTED);",
            testLead: "assert.")
    }

    public func context(in text: String, line: Int, utf16Column: Int?) -> CompletionContext {
        JavaScriptContextFinder(text: text).context(line: line)
    }

    public func extractSolution(from raw: String, for context: CompletionContext) -> SolutionCandidate? {
        JavaScriptExtractor(context: context).solution(from: raw)
    }

    public func extractTests(from raw: String, for context: CompletionContext, limit: Int) -> [String] {
        JavaScriptExtractor(context: context).tests(from: raw, limit: limit)
    }

    /// Whitespace outside string literals and a final `;` do not make a test different.
    public func deduplicationKey(for test: String) -> String {
        JavaScriptExtractor.key(test)
    }

    public func extractPlainCompletion(from raw: String, for context: CompletionContext) -> String {
        JavaScriptExtractor(context: context).plain(from: raw)
    }

    /// `@example` blocks and example lines (`f(x) === y`, `// f(x) => y`) of the JSDoc comment.
    public func examples(in context: CompletionContext) -> [UserExample] {
        JavaScriptExamples(context: context).all()
    }

    /// The enclosing definition with the completion in place, wrapped in a function that is
    /// never called: loading it compiles the code (a `SyntaxError` is a load error) and runs nothing.
    public func syntaxCheckProgram(for completion: String, in context: CompletionContext) -> String? {
        var inserted = Substring(completion)
        if !context.completionLead.isEmpty, inserted.hasPrefix(context.completionLead) {
            inserted = inserted.dropFirst(context.completionLead.count)
            let closing = context.promptTail.prefix { $0 != "\n" } + "\n"
            if inserted.hasSuffix(closing) { inserted = inserted.dropLast(closing.count) }
        }
        let code = context.programHead + JavaScriptContextFinder.script(String(inserted)) + context.programTail
        return "(function () {\n" + code + "\n});\n"
    }
}
