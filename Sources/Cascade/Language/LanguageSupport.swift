import Foundation

/// Everything the engine needs to know about one programming language.
///
/// The engine never looks at source text itself: it asks the language for the context at
/// the cursor, for prompts, for extraction of code and tests from raw model output, and
/// for a syntax-check program when a context cannot be tested. Adding a language means
/// adding one conforming type to `LanguageRegistry`, and no change to the engine.
public protocol LanguageSupport: Sendable {
    /// LSP language id, e.g. `"python"`.
    var languageId: String { get }
    /// File extensions without the dot, e.g. `["py", "pyi"]`.
    var fileExtensions: [String] { get }
    /// Words the shared prompt templates need (language name, fence tag, assert style).
    var vocabulary: PromptVocabulary { get }

    /// The completion context at a 0-based `line` (and optional UTF-16 column) of `text`.
    func context(in text: String, line: Int, utf16Column: Int?) -> CompletionContext

    /// The body (indented for the document) and the runnable program of one raw solution
    /// sample; nil when the sample holds no usable implementation of the entry point.
    func extractSolution(from raw: String, for context: CompletionContext) -> SolutionCandidate?

    /// Up to `limit` distinct test statements from one raw test sample, each on the entry
    /// point and each passing the light syntax check.
    func extractTests(from raw: String, for context: CompletionContext, limit: Int) -> [String]

    /// Two tests with the same key are the same test (e.g. `f(1,2)` and `f(1, 2)`).
    func deduplicationKey(for test: String) -> String

    /// The text to insert for an untestable context, from one raw sample.
    func extractPlainCompletion(from raw: String, for context: CompletionContext) -> String

    /// A program that loads without error exactly when `completion` is syntactically valid
    /// in `context`; run by the `TestExecutor` against zero tests. Nil when not possible.
    func syntaxCheckProgram(for completion: String, in context: CompletionContext) -> String?

    /// The context of the function named `name` as if the cursor were on its first line
    /// (the outermost one when several share the name); nil when there is none.
    func functionContext(named name: String, in text: String) -> CompletionContext?

    /// The examples the user wrote in the function's docstring or doc comment, as runnable
    /// tests; empty when there are none. They are trusted: a candidate that fails one is
    /// never accepted.
    func examples(in context: CompletionContext) -> [UserExample]

    /// Where `imports` (a candidate's `moduleImports`) go in the document `text`, and the
    /// lines to insert there; nil when the document already has every one of them.
    func moduleImportInsertion(of imports: [String], in text: String) -> ModuleImportInsertion?

    /// `tests` (as this language's extractor writes them) in a test function for
    /// `entryPoint` that the user can keep in the file, whole lines ending in a line break.
    func testFunction(for entryPoint: String, tests: [String]) -> String
}

extension LanguageSupport {
    /// Languages that cannot find functions by name answer nil.
    public func functionContext(named name: String, in text: String) -> CompletionContext? { nil }

    /// Languages without a test convention get the tests as they are, a line each.
    public func testFunction(for entryPoint: String, tests: [String]) -> String {
        tests.map { $0 + "\n" }.joined()
    }

    /// Languages that cannot read examples find none.
    public func examples(in context: CompletionContext) -> [UserExample] { [] }

    /// The imports the document lacks (as lines, ignoring surrounding spaces), at its top.
    public func moduleImportInsertion(of imports: [String], in text: String) -> ModuleImportInsertion? {
        let lines = Set(SourceLines.split(text).map { $0.trimmingCharacters(in: .whitespaces) })
        var seen = Set<String>()
        let missing = imports.filter { !lines.contains($0.trimmingCharacters(in: .whitespaces)) && seen.insert($0).inserted }
        return missing.isEmpty ? nil : ModuleImportInsertion(line: 0, text: SourceLines.join(missing))
    }

    /// The test without any whitespace.
    public func deduplicationKey(for test: String) -> String {
        test.filter { !$0.isWhitespace }
    }
}

/// One example of the function's behaviour written by the user, e.g. a docstring's
/// `>>> add(1, 2)` followed by `3`, or a JSDoc `@example` line `add(1, 2) // => 3`.
public struct UserExample: Sendable, Equatable, Codable {
    /// The call as written, e.g. `add(1, 2)`.
    public var call: String
    /// The expected value as written, e.g. `3`.
    public var expected: String
    /// The example as one test statement in the language's test form (the same form as the
    /// model's tests), e.g. `assert add(1, 2) == 3`.
    public var test: String

    public init(call: String, expected: String, test: String) {
        self.call = call
        self.expected = expected
        self.test = test
    }
}

/// One usable candidate solution of a tier.
public struct SolutionCandidate: Sendable, Equatable {
    /// The text that replaces `startLine..<endLine` of the document (the function body,
    /// indented, with any helpers and imports the model needed nested at its top).
    public var completion: String
    /// The complete program run by the sandbox: context (imports, helpers, class) and the
    /// function, with `moduleImports` at module level.
    public var program: String
    /// Imports the completion needs that the language accepts only at module level (for
    /// Python, `from m import *` and `from __future__ import …`), each as written, and not
    /// already in the document's preamble; the editor inserts them at the top of the file.
    public var moduleImports: [String]

    public init(completion: String, program: String, moduleImports: [String] = []) {
        self.completion = completion
        self.program = program
        self.moduleImports = moduleImports
    }
}

/// Module-level lines to add to a document so that it has the imports a completion needs.
public struct ModuleImportInsertion: Sendable, Equatable {
    /// The 0-based line the text goes before; the document's line count means its end.
    public var line: Int
    /// Whole lines, each ending in a line break.
    public var text: String

    public init(line: Int, text: String) {
        self.line = line
        self.text = text
    }
}

/// What the cursor is in, and everything a prompt and a test program need about it.
public struct CompletionContext: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// A top-level function: testable.
        case function
        /// A method of a top-level class: testable by constructing the class.
        case method
        /// A function defined inside another function: not testable in isolation.
        case nestedFunction
        /// Anywhere else (top level, class body): a plain completion.
        case plain
    }

    public var languageId: String
    public var kind: Kind
    /// The function the tests call (for a method, the method's name).
    public var entryPoint: String?
    /// For a method, the class the tests must construct.
    public var className: String?
    /// The signature as written (possibly several lines), without decorators.
    public var signature: String
    /// The docstring or doc comment as written, nil when there is none.
    public var docstring: String?
    public var decorators: [String]
    /// Imports and definitions above the function that its code may use, as written.
    public var preamble: String
    /// The code shown to the model: the header (decorators, signature, docstring), inside its
    /// class skeleton for a method, with the preamble above it.
    public var promptCode: String
    /// Code shown after the body in prompts (e.g. a closing `}`); empty for Python.
    public var promptTail: String
    /// Indentation of the body lines (e.g. four spaces, or a tab).
    public var bodyIndent: String
    /// Lines `startLine..<endLine` (0-based) are replaced by the completion.
    public var startLine: Int
    public var endLine: Int
    /// Text that the completion must start with (e.g. a one-line `def f(): ...` rewritten
    /// without its stub); usually empty.
    public var completionLead: String
    /// Document text before `startLine` and from `endLine` on, for plain prompts.
    public var prefix: String
    public var suffix: String
    /// A program is `programHead + body + programTail`.
    public var programHead: String
    public var programTail: String
    /// Why this context cannot be tested; nil when it can.
    public var untestableReason: String?
    /// Whether the function has no body yet (empty, `pass` or `...`): what the
    /// "Generate function from docstring" code action looks for.
    public var bodyIsPlaceholder: Bool

    public init(
        languageId: String, kind: Kind, entryPoint: String? = nil, className: String? = nil,
        signature: String = "", docstring: String? = nil, decorators: [String] = [],
        preamble: String = "", promptCode: String = "", promptTail: String = "", bodyIndent: String = "    ",
        startLine: Int, endLine: Int, completionLead: String = "", prefix: String = "",
        suffix: String = "", programHead: String = "", programTail: String = "",
        untestableReason: String? = nil, bodyIsPlaceholder: Bool = true
    ) {
        self.languageId = languageId
        self.kind = kind
        self.entryPoint = entryPoint
        self.className = className
        self.signature = signature
        self.docstring = docstring
        self.decorators = decorators
        self.preamble = preamble
        self.promptCode = promptCode
        self.promptTail = promptTail
        self.bodyIndent = bodyIndent
        self.startLine = startLine
        self.endLine = endLine
        self.completionLead = completionLead
        self.prefix = prefix
        self.suffix = suffix
        self.programHead = programHead
        self.programTail = programTail
        self.untestableReason = untestableReason
        self.bodyIsPlaceholder = bodyIsPlaceholder
    }

    /// Whether candidates can be checked by tests (a function or a method of a top-level class).
    public var isTestable: Bool { untestableReason == nil && (kind == .function || kind == .method) }

    /// The complete program for one candidate body.
    public func program(withBody body: String) -> String {
        var text = programHead + body
        if !text.hasSuffix("\n") { text += "\n" }
        return text + programTail
    }
}

/// The words shared prompt templates need from a language.
public struct PromptVocabulary: Sendable, Equatable {
    /// Human name, e.g. `"Python"`.
    public var name: String
    /// Tag after the opening code fence, e.g. `"python"`.
    public var fenceTag: String
    /// How a line comment starts, e.g. `"#"`.
    public var lineComment: String
    /// A placeholder body that keeps a stub valid, e.g. `"pass"`.
    public var stubBody: String
    /// The shape of one test, with `CALL` standing for the call, e.g. `"assert CALL == expected"`.
    public var testShape: String
    /// The keyword a test line starts with, e.g. `"assert"`; completions prompts end with it.
    public var testLead: String

    public init(name: String, fenceTag: String, lineComment: String, stubBody: String, testShape: String, testLead: String) {
        self.name = name
        self.fenceTag = fenceTag
        self.lineComment = lineComment
        self.stubBody = stubBody
        self.testShape = testShape
        self.testLead = testLead
    }
}
