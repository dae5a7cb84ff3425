/// Where Python's strings and comments begin and end, one token at a time.
///
/// The one place that knows quoting: the line scanner (statement continuation), the
/// search for a character outside strings (header colons, commas, comments) and the
/// light syntax check all walk text through it and differ only in what they do with
/// the tokens.
struct PythonLexer {
    enum Token: Equatable {
        /// A character of code, outside strings and comments.
        case code(Character)
        /// A string's opening quote or triple quote.
        case stringOpen
        /// A character inside a string.
        case stringText
        /// A backslash inside a string and the character it escapes.
        case escape
        /// A string's closing quote or triple quote.
        case stringClose
        /// A newline inside a one-line string, which ends it (Python calls that unterminated).
        case unterminatedString
        /// A comment, up to the end of its line.
        case comment
    }

    private(set) var quote: Character?
    private(set) var triple = false

    var inString: Bool { quote != nil }

    /// The token that starts at `chars[i]` and how many characters it covers.
    mutating func next(_ chars: [Character], at i: Int) -> (token: Token, length: Int) {
        let c = chars[i]
        if let open = quote {
            if c == "\\" { return (.escape, 2) }
            if c == "\n" && !triple {
                quote = nil
                return (.unterminatedString, 1)
            }
            if c == open {
                if !triple {
                    quote = nil
                    return (.stringClose, 1)
                }
                if i + 2 < chars.count && chars[i + 1] == open && chars[i + 2] == open {
                    quote = nil
                    return (.stringClose, 3)
                }
            }
            return (.stringText, 1)
        }
        switch c {
        case "#":
            var end = i
            while end < chars.count && chars[end] != "\n" { end += 1 }
            return (.comment, end - i)
        case "\"", "'":
            quote = c
            triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
            return (.stringOpen, triple ? 3 : 1)
        default:
            return (.code(c), 1)
        }
    }

    /// A line ended: a one-line string ends with it unless a backslash continues it.
    mutating func endLine(continued: Bool) {
        if quote != nil && !triple && !continued { quote = nil }
    }
}
