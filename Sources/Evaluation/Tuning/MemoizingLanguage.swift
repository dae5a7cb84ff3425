import Cascade
import Synchronization

/// A language whose extraction of solutions and tests is remembered.
///
/// Tuning replays the same recorded samples through hundreds of settings, and parsing
/// them again each time is most of its work; the answers depend only on the inputs.
public final class MemoizingLanguage: LanguageSupport {
    private let base: any LanguageSupport
    private let solutions = Mutex<[String: SolutionCandidate?]>([:])
    private let tests = Mutex<[String: [String]]>([:])
    private let keys = Mutex<[String: String]>([:])

    public init(_ base: any LanguageSupport) { self.base = base }

    /// The standard languages, each remembered.
    public static var standardRegistry: LanguageRegistry {
        LanguageRegistry(LanguageRegistry.standard.languages.map { MemoizingLanguage($0) })
    }

    public var languageId: String { base.languageId }
    public var fileExtensions: [String] { base.fileExtensions }
    public var vocabulary: PromptVocabulary { base.vocabulary }

    public func context(in text: String, line: Int, utf16Column: Int?) -> CompletionContext {
        base.context(in: text, line: line, utf16Column: utf16Column)
    }

    public func extractSolution(from raw: String, for context: CompletionContext) -> SolutionCandidate? {
        Self.remembered(in: solutions, Self.key(raw, context)) { base.extractSolution(from: raw, for: context) }
    }

    public func extractTests(from raw: String, for context: CompletionContext, limit: Int) -> [String] {
        Self.remembered(in: tests, "\(limit)\u{0}" + Self.key(raw, context)) { base.extractTests(from: raw, for: context, limit: limit) }
    }

    public func deduplicationKey(for test: String) -> String {
        Self.remembered(in: keys, test) { base.deduplicationKey(for: test) }
    }

    public func extractPlainCompletion(from raw: String, for context: CompletionContext) -> String {
        base.extractPlainCompletion(from: raw, for: context)
    }

    public func syntaxCheckProgram(for completion: String, in context: CompletionContext) -> String? {
        base.syntaxCheckProgram(for: completion, in: context)
    }

    public func testFunction(for entryPoint: String, tests: [String]) -> String {
        base.testFunction(for: entryPoint, tests: tests)
    }

    public func functionContext(named name: String, in text: String) -> CompletionContext? {
        base.functionContext(named: name, in: text)
    }

    public func examples(in context: CompletionContext) -> [UserExample] {
        base.examples(in: context)
    }

    public func moduleImportInsertion(of imports: [String], in text: String) -> ModuleImportInsertion? {
        base.moduleImportInsertion(of: imports, in: text)
    }

    /// The value `cache` holds for `key`, computed once (outside the lock: two threads may
    /// both compute a missing value, and both get the same answer).
    private static func remembered<Value: Sendable>(
        in cache: borrowing Mutex<[String: Value]>, _ key: String, _ compute: () -> Value
    ) -> Value {
        if let known = cache.withLock({ $0[key] }) { return known }
        let value = compute()
        cache.withLock { $0[key] = value }
        return value
    }

    /// The context's whole document view and position, then the sample.
    private static func key(_ raw: String, _ context: CompletionContext) -> String {
        "\(context.startLine):\(context.endLine)\u{0}\(context.prefix)\u{0}\(context.suffix)\u{0}\(raw)"
    }
}
