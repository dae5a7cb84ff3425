/// How every language's extractor picks a model's tests: assertions found line by line,
/// each allowed a few continuation lines, then the first `limit` distinct ones that call
/// the entry point. The languages differ only in the predicates and normalisations they
/// pass in.
enum AssertionCollector {
    /// How many lines a statement may continue over after its first.
    static let continuationLines = 4

    /// The statement that starts with `first` at `lines[index]`: `first` alone when
    /// `isComplete` accepts it, else joined with following lines (up to
    /// `continuationLines`, stopping before a line for which `stopsBefore` holds) until it
    /// does. Nil when no such join is complete; else the text and its last line's index.
    static func statement(
        startingWith first: String, at index: Int, in lines: [String],
        isComplete: (String) -> Bool, stopsBefore: (String) -> Bool
    ) -> (text: String, last: Int)? {
        var text = first
        var last = index
        var complete = isComplete(text)
        while !complete && last + 1 < lines.count && last - index < continuationLines {
            let next = lines[last + 1].trimmingCharacters(in: .whitespaces)
            if stopsBefore(next) { break }
            last += 1
            text += "\n" + next
            complete = isComplete(text)
        }
        return complete ? (text, last) : nil
    }

    /// The first `limit` statements that `accepts` takes, one per `key`, each as `prepared`.
    static func distinct(
        _ statements: [String], limit: Int, prepared: (String) -> String = { $0 },
        accepts: (String) -> Bool, key: (String) -> String
    ) -> [String] {
        var seen = Set<String>()
        var tests: [String] = []
        for statement in statements where tests.count < limit {
            let text = prepared(statement)
            guard text.count <= 2000, accepts(text) else { continue }
            if seen.insert(key(text)).inserted { tests.append(text) }
        }
        return tests
    }

    /// Whether `name` stands in `text` as a whole identifier, not an attribute of something else.
    static func mentions(_ name: String, in text: String, isIdentifierChar: (Character) -> Bool) -> Bool {
        var searchStart = text.startIndex
        while let range = text.range(of: name, range: searchStart..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            let joinedBefore = before.map(isIdentifierChar) ?? false
            let joinedAfter = after.map(isIdentifierChar) ?? false
            if !joinedBefore && before != "." && !joinedAfter { return true }
            searchStart = range.upperBound
        }
        return false
    }

    /// A de-duplication key: whitespace outside string literals (opened by any of `quotes`) removed.
    static func key(_ text: String, quotes: Set<Character>) -> String {
        var key = ""
        var quote: Character?
        for c in text {
            if let open = quote {
                if c == open { quote = nil }
                key.append(c)
            } else if quotes.contains(c) {
                quote = c
                key.append(c)
            } else if !c.isWhitespace {
                key.append(c)
            }
        }
        return key
    }
}
