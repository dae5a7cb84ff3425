/// A light syntax check in Swift: brackets balanced and matched, strings closed, no
/// dangling operator at the end. The sandbox catches everything else.
enum PythonSyntaxCheck {
    /// Nil when the code looks well formed, else what is wrong.
    static func problem(in code: String) -> String? {
        var stack: [Character] = []
        var quote: Character?
        var triple = false
        let chars = Array(code)
        var i = 0
        var lastSignificant: Character?
        while i < chars.count {
            let c = chars[i]
            if let open = quote {
                if c == "\\" {
                    i += 2
                    continue
                }
                if c == "\n" && !triple { return "unterminated string" }
                if c == open {
                    if !triple {
                        quote = nil
                        lastSignificant = c
                    } else if i + 2 < chars.count && chars[i + 1] == open && chars[i + 2] == open {
                        quote = nil
                        lastSignificant = c
                        i += 3
                        continue
                    }
                }
                i += 1
                continue
            }
            switch c {
            case "#":
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            case "\"", "'":
                quote = c
                triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
                i += triple ? 3 : 1
                continue
            case "(", "[", "{":
                stack.append(c)
            case ")", "]", "}":
                let expected: Character = c == ")" ? "(" : c == "]" ? "[" : "{"
                guard stack.last == expected else { return "unmatched '\(c)'" }
                stack.removeLast()
            default: break
            }
            if !c.isWhitespace { lastSignificant = c }
            i += 1
        }
        if quote != nil { return "unterminated string" }
        if let open = stack.last { return "'\(open)' was never closed" }
        if let last = lastSignificant, ",+-*/%=<>&|^~\\.@".contains(last) {
            return "ends with '\(last)'"
        }
        return nil
    }
}
