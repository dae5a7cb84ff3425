import Cascade

/// A HumanEval hidden test without the asserts the prompt's own examples already make.
///
/// When the docstring's examples become trusted tests, a hidden test that repeats them
/// (HumanEval's reuse most of them) would score the cascade partly on what it was shown:
/// scoring on the rest measures how far a completion goes beyond the examples.
public enum HiddenTestWithoutExamples {
    /// `test` (a `def check(candidate):` function) with every assert removed that sits directly in
    /// the function's body and calls `candidate(ARGS)` with the arguments of an example's call
    /// `entryPoint(ARGS)` (compared without whitespace outside strings). Asserts spanning several
    /// lines go whole; asserts inside loops or other blocks stay, so no block but the body can be
    /// emptied, and an emptied body has no assert left. Nil when the test has no `check`
    /// function, or when no assert is left besides `assert True` or no statement calls the
    /// candidate any more (the problem cannot be scored that way).
    public static func removingExamples(from test: String, entryPoint: String, examples: [UserExample]) -> String? {
        let python = PythonLanguage()
        let shown = Set(examples.flatMap { python.callArguments(of: entryPoint, in: $0.call) }.map(python.deduplicationKey))
        let lines = test.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let statements = python.statements(in: test)
        guard let check = statements.firstIndex(where: { $0.indent == 0 && $0.text.hasPrefix("def check(") }),
              let parameter = Self.parameter(of: statements[check].text) else { return nil }
        var end = check + 1
        while end < statements.count && statements[end].indent > 0 { end += 1 }
        let body = statements[(check + 1)..<end]
        guard let bodyIndent = body.first?.indent else { return nil }

        let removed = body.filter { statement in
            statement.indent == bodyIndent && Self.isAssert(statement.text)
                && python.callArguments(of: parameter, in: statement.text).contains { shown.contains(python.deduplicationKey(for: $0)) }
        }
        let kept = body.filter { !removed.contains($0) }
        let scorable = kept.contains { statement in
            Self.isAssert(statement.text) && !Self.isTrivial(statement.text)
        } && kept.contains { !python.callArguments(of: parameter, in: $0.text).isEmpty }
        guard scorable else { return nil }

        var dropped = Set<Int>()
        for statement in removed { dropped.formUnion(statement.firstLine...statement.lastLine) }
        return lines.indices.filter { !dropped.contains($0) }.map { lines[$0] }.joined(separator: "\n")
    }

    /// The name `check` calls its argument (`candidate` in HumanEval).
    private static func parameter(of header: String) -> String? {
        guard let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")"), open < close else { return nil }
        let name = header[header.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
        return name.isEmpty || name.contains(",") ? nil : name
    }

    private static func isAssert(_ text: String) -> Bool {
        text.hasPrefix("assert ") || text.hasPrefix("assert(")
    }

    /// `assert True` (HumanEval's placeholder, often with a message): checks nothing.
    private static func isTrivial(_ text: String) -> Bool {
        let condition = text.dropFirst("assert".count).drop(while: \.isWhitespace)
        return condition.hasPrefix("True") && (condition.count == 4 || condition.dropFirst(4).first.map { $0 == "," || $0 == " " } == true)
    }
}
