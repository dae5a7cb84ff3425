/// Every prompt the engine sends, in one place, for every language (the words that differ
/// come from the language's `PromptVocabulary`).
///
/// Three prompts, each in two shapes (`api: "chat"` messages, `api: "completions"` raw text):
///
/// 1. **Solution** — chat: a system line, then "Complete the Python function `f` below…"
///    with the preamble, decorators, signature and docstring in a fenced block (for a method,
///    its class up to the method). Completions: that code alone; the model continues the
///    body. Chat stops at the closing fence (`"\n```\n"`), which saves the prose small models
///    write after it; completions stop at the next top-level definition or statement.
/// 2. **Tests** — the same header with a placeholder body (so no candidate solution leaks
///    into it) and a request for `l` single-line `assert` statements calling the entry point
///    with concrete inputs (for a method, constructing the class in the same line).
///    Completions: the stub, a comment, and the first `assert ` for the model to continue.
/// 3. **Plain** (a context that cannot be tested, or a language without support) — the
///    document around the cursor with a marker line, and a request for the code at the marker.
///    Completions: the text before the cursor.
///
/// For the completions shape the model only continues the prompt, so extraction reads
/// `completionsSeed + output` (the header for solutions, `assert ` for tests).
public enum PromptLibrary {
    public static let closingFence = "\n```\n"

    public static func system(_ words: PromptVocabulary) -> String {
        "You are an expert \(words.name) programmer. You write correct, simple code and answer with code blocks only."
    }

    /// Solutions for a testable context.
    public static func solution(for context: CompletionContext, _ words: PromptVocabulary) -> PreparedPrompt {
        let entry = context.entryPoint ?? "the function"
        let what = context.className.map { "the method `\(entry)` of class `\($0)`" } ?? "the \(words.name) function `\(entry)`"
        let reply = context.className == nil
            ? "Reply with the complete function, and any imports it needs, in a single ```\(words.fenceTag) code block."
            : "Reply with the class and the complete method in a single ```\(words.fenceTag) code block."
        let shown = context.promptTail.isEmpty ? context.promptCode
            : context.promptCode + context.bodyIndent + words.lineComment + " your code here\n" + context.promptTail
        let user = """
            Complete \(what) below. \(reply) Do not add example usage or tests.

            ```\(words.fenceTag)
            \(shown)```
            """
        return PreparedPrompt(
            prompt: Prompt(messages: [ChatMessage(role: .system, content: system(words)), ChatMessage(role: .user, content: user)],
                           text: context.promptCode),
            chatStop: [closingFence],
            completionsStop: ["\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\nassert ", "\n\(words.lineComment)", "\n```"],
            completionsSeed: context.promptCode)
    }

    /// The fewest tests a test prompt asks for. As in the paper, a tier keeps the first l
    /// lines of each sample; asking for at least this many keeps the prompt the same for
    /// every l up to it, so one recording made at l = 4 replays every smaller l.
    public static let minimumTestsAsked = 4

    /// Tests for a testable context: the header with a placeholder body, never a candidate.
    public static func tests(for context: CompletionContext, count: Int, _ words: PromptVocabulary) -> PreparedPrompt {
        let count = max(count, minimumTestsAsked)
        let entry = context.entryPoint ?? "f"
        let call = context.className.map { "\($0)(...).\(entry)(...)" } ?? "\(entry)(...)"
        let shape = words.testShape.replacing("CALL", with: call).replacing("EXPECTED", with: "expected")
        let construct = context.className.map { " Each test creates its own `\($0)` instance in the same line." } ?? ""
        let stub = context.promptCode + context.bodyIndent + words.stubBody + "\n" + context.promptTail
        let user = """
            Here is a \(words.name) function whose body is not written yet:

            ```\(words.fenceTag)
            \(stub)```

            Write \(count) tests for `\(entry)`, each a single line of the form `\(shape)` with concrete inputs and the exact expected result worked out from the description.\(construct) Do not implement the function. Reply with one ```\(words.fenceTag) code block containing only the test lines.
            """
        let text = stub + "\n\n" + "\(words.lineComment) Tests for \(entry): each line checks one input against its expected output.\n" + words.testLead
        return PreparedPrompt(
            prompt: Prompt(messages: [ChatMessage(role: .system, content: system(words)), ChatMessage(role: .user, content: user)],
                           text: text),
            chatStop: [closingFence],
            completionsStop: ["\n\n\n", "\ndef ", "\nclass ", "\nif __name__", "\n```"],
            completionsSeed: words.testLead)
    }

    /// A plain completion at the cursor: what untestable contexts and unsupported languages get.
    public static func plain(for context: CompletionContext, _ words: PromptVocabulary) -> PreparedPrompt {
        let marker = "\(words.lineComment) <CURSOR>"
        let before = String(context.prefix.suffix(3000))
        let after = String(context.suffix.prefix(1000))
        let what = context.kind == .nestedFunction && context.entryPoint != nil
            ? "the body of the function `\(context.entryPoint!)`, which replaces the marked line"
            : "the code that replaces the marked line"
        let user = """
            Complete the \(words.name) code below: write \(what). Reply with only that code in a single ```\(words.fenceTag) code block.

            ```\(words.fenceTag)
            \(before)\(context.bodyIndent)\(marker)
            \(after)```
            """
        return PreparedPrompt(
            prompt: Prompt(messages: [ChatMessage(role: .system, content: system(words)), ChatMessage(role: .user, content: user)],
                           text: context.prefix),
            chatStop: [closingFence],
            completionsStop: ["\n\n\n", "\n```"],
            completionsSeed: "")
    }
}

/// A prompt in both shapes with the stop sequences and the seed extraction needs.
public struct PreparedPrompt: Sendable, Equatable {
    public var prompt: Prompt
    public var chatStop: [String]
    public var completionsStop: [String]
    /// For `api: "completions"`, prepended to each output before extraction.
    public var completionsSeed: String

    public init(prompt: Prompt, chatStop: [String], completionsStop: [String], completionsSeed: String) {
        self.prompt = prompt
        self.chatStop = chatStop
        self.completionsStop = completionsStop
        self.completionsSeed = completionsSeed
    }

    public func stop(for api: ModelAPI) -> [String] {
        api == .chat ? chatStop : completionsStop
    }

    /// The text extraction reads for one output.
    public func extractable(_ output: String, api: ModelAPI) -> String {
        api == .chat ? output : completionsSeed + output
    }
}
