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
        let key = Self.key(raw, context)
        if let known = solutions.withLock({ $0[key] }) { return known }
        let value = base.extractSolution(from: raw, for: context)
        solutions.withLock { $0[key] = .some(value) }
        return value
    }

    public func extractTests(from raw: String, for context: CompletionContext, limit: Int) -> [String] {
        let key = "\(limit)\u{0}" + Self.key(raw, context)
        if let known = tests.withLock({ $0[key] }) { return known }
        let value = base.extractTests(from: raw, for: context, limit: limit)
        tests.withLock { $0[key] = value }
        return value
    }

    public func deduplicationKey(for test: String) -> String {
        if let known = keys.withLock({ $0[test] }) { return known }
        let value = base.deduplicationKey(for: test)
        keys.withLock { $0[test] = value }
        return value
    }

    public func extractPlainCompletion(from raw: String, for context: CompletionContext) -> String {
        base.extractPlainCompletion(from: raw, for: context)
    }

    public func syntaxCheckProgram(for completion: String, in context: CompletionContext) -> String? {
        base.syntaxCheckProgram(for: completion, in: context)
    }

    public func functionContext(named name: String, in text: String) -> CompletionContext? {
        base.functionContext(named: name, in: text)
    }

    /// The context's whole document view and position, then the sample.
    private static func key(_ raw: String, _ context: CompletionContext) -> String {
        "\(context.startLine):\(context.endLine)\u{0}\(context.prefix)\u{0}\(context.suffix)\u{0}\(raw)"
    }
}
