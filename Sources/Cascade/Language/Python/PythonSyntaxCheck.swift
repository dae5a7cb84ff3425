/// A light syntax check in Swift: brackets balanced and matched, strings closed, no
/// dangling operator at the end. The sandbox catches everything else.
enum PythonSyntaxCheck {
    /// Nil when the code looks well formed, else what is wrong.
    static func problem(in code: String) -> String? {
        let chars = Array(code)
        var lexer = PythonLexer()
        var stack: [Character] = []
        var lastSignificant: Character?
        var i = 0
        while i < chars.count {
            let (token, length) = lexer.next(chars, at: i)
            switch token {
            case .unterminatedString:
                return "unterminated string"
            case .stringClose:
                lastSignificant = chars[i]
            case .code(let c):
                switch c {
                case "(", "[", "{":
                    stack.append(c)
                case ")", "]", "}":
                    let expected: Character = c == ")" ? "(" : c == "]" ? "[" : "{"
                    guard stack.last == expected else { return "unmatched '\(c)'" }
                    stack.removeLast()
                default: break
                }
                if !c.isWhitespace { lastSignificant = c }
            case .stringOpen, .stringText, .escape, .comment:
                break
            }
            i += length
        }
        if lexer.inString { return "unterminated string" }
        if let open = stack.last { return "'\(open)' was never closed" }
        if let last = lastSignificant, ",+-*/%=<>&|^~\\.@".contains(last) {
            return "ends with '\(last)'"
        }
        return nil
    }
}
