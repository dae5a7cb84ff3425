import Foundation

/// JavaScript text with a masked twin: comments, string, template and regex literals are
/// blanked (their delimiters and every newline kept), so structure can be read with simple
/// scans, and every bracket is matched.
struct JavaScriptSource {
    /// The text (LF line ends) as characters, and its masked twin of the same length.
    let chars: [Character]
    let masked: [Character]
    /// Offset of the first character of each line.
    let lineStarts: [Int]
    /// Each bracket's partner, for matched pairs.
    let partner: [Int: Int]
    /// For each offset, the opening brackets that enclose it are found through `enclosing`.
    private let opens: [Int]
    /// What the scan found wrong (unterminated literal, unbalanced bracket), nil when well formed.
    let problem: String?
    /// Offsets of every comment.
    let comments: [Range<Int>]

    init(_ text: String) {
        let normalised = text.replacingCRLF()
        chars = Array(normalised)
        let scan = JavaScriptScanner.scan(chars)
        masked = scan.masked
        partner = scan.partner
        opens = scan.partner.filter { "([{".contains(scan.masked[$0.key]) }.keys.sorted()
        problem = scan.problem
        comments = scan.comments
        var starts = [0]
        for (index, char) in chars.enumerated() where char == "\n" { starts.append(index + 1) }
        if starts.count > 1 && starts.last == chars.count { starts.removeLast() }
        lineStarts = chars.isEmpty ? [] : starts
    }

    var lineCount: Int { lineStarts.count }

    /// The 0-based line of an offset.
    func line(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The offsets `[start, end)` of a line's content, without its newline.
    func bounds(ofLine line: Int) -> Range<Int> {
        let start = lineStarts[line]
        var end = line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : chars.count
        if end < start { end = start }
        if end > start && end <= chars.count && end - 1 < chars.count && chars[end - 1] == "\n" { end -= 1 }
        return start..<end
    }

    func text(ofLine line: Int) -> String { String(chars[bounds(ofLine: line)]) }
    func maskedLine(_ line: Int) -> String { String(masked[bounds(ofLine: line)]) }

    /// Lines `range` joined, each ending in a newline.
    func text(lines range: Range<Int>) -> String {
        range.reduce(into: "") { $0 += text(ofLine: $1) + "\n" }
    }

    func text(_ range: Range<Int>) -> String { String(chars[range]) }
    func maskedText(_ range: Range<Int>) -> String { String(masked[range]) }

    /// Whether a line has nothing but whitespace and comments.
    func isBlank(line: Int) -> Bool { masked[bounds(ofLine: line)].allSatisfy(\.isWhitespace) }

    /// The opening brackets that enclose `offset`, outermost first.
    func enclosing(_ offset: Int) -> [Int] {
        opens.filter { $0 < offset && (partner[$0] ?? -1) > offset }
    }

    /// The last non-whitespace offset before `offset` in the masked text.
    func previousSignificant(before offset: Int) -> Int? {
        var index = offset - 1
        while index >= 0 && masked[index].isWhitespace { index -= 1 }
        return index >= 0 ? index : nil
    }

    /// The identifier ending at `end` (inclusive) and its start, if there is one.
    func identifier(endingAt end: Int) -> (name: String, start: Int)? {
        var start = end
        while start >= 0 && Self.isIdentifierChar(masked[start]) { start -= 1 }
        guard start < end else { return nil }
        if start >= 0 && masked[start] == "#" { start -= 1 }
        return (String(masked[(start + 1)...end]), start + 1)
    }

    /// The word (identifier or keyword) before `offset`, skipping whitespace.
    func word(before offset: Int) -> (name: String, start: Int)? {
        guard let end = previousSignificant(before: offset) else { return nil }
        return identifier(endingAt: end)
    }

    static func isIdentifierChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "$" }
}

/// The character-level scan behind `JavaScriptSource`.
enum JavaScriptScanner {
    struct Result {
        var masked: [Character]
        var partner: [Int: Int]
        var problem: String?
        var comments: [Range<Int>]
    }

    private static let regexPrecedingWords: Set<String> = [
        "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await",
    ]

    static func scan(_ chars: [Character]) -> Result {
        var masked = chars
        var partner: [Int: Int] = [:]
        var stack: [Int] = []
        /// For each open template interpolation, the bracket depth where it started.
        var templateDepths: [Int] = []
        var problem: String?
        var comments: [Range<Int>] = []
        var lastSignificant: Int?
        var i = 0
        let count = chars.count

        func blank(_ index: Int) { if masked[index] != "\n" { masked[index] = " " } }

        /// Skips a template literal's text from `i` (just after a backtick or a closing `}`) to its end or the next `${`.
        func templateText(from start: Int) -> Int {
            var j = start
            while j < count {
                let c = chars[j]
                if c == "\\" { blank(j); if j + 1 < count { blank(j + 1) }; j += 2; continue }
                if c == "`" { return j + 1 }
                if c == "$" && j + 1 < count && chars[j + 1] == "{" {
                    stack.append(j + 1)
                    templateDepths.append(stack.count)
                    blank(j)
                    blank(j + 1)
                    return j + 2
                }
                blank(j)
                j += 1
            }
            problem = problem ?? "unterminated template literal"
            return count
        }

        func regexAllowed() -> Bool {
            guard let last = lastSignificant else { return true }
            let c = masked[last]
            if "(,=:[!&|?{};+-*%<>~^".contains(c) { return true }
            if JavaScriptSource.isIdentifierChar(c) {
                var start = last
                while start > 0 && JavaScriptSource.isIdentifierChar(masked[start - 1]) { start -= 1 }
                return regexPrecedingWords.contains(String(masked[start...last]))
            }
            return false
        }

        while i < count {
            let c = chars[i]
            let next: Character? = i + 1 < count ? chars[i + 1] : nil
            if c == "/" && next == "/" {
                let start = i
                while i < count && chars[i] != "\n" { blank(i); i += 1 }
                comments.append(start..<i)
                continue
            }
            if c == "/" && next == "*" {
                let start = i
                i += 2
                while i < count && !(chars[i] == "*" && i + 1 < count && chars[i + 1] == "/") { i += 1 }
                if i >= count { problem = problem ?? "unterminated comment"; i = count } else { i += 2 }
                for j in start..<min(i, count) { blank(j) }
                comments.append(start..<min(i, count))
                continue
            }
            if c == "\"" || c == "'" {
                var j = i + 1
                while j < count && chars[j] != c && chars[j] != "\n" {
                    if chars[j] == "\\" { blank(j); j += 1 }
                    if j < count && chars[j] != "\n" { blank(j) }
                    j += 1
                }
                if j >= count || chars[j] != c { problem = problem ?? "unterminated string" }
                lastSignificant = min(j, count - 1)
                i = j + 1
                continue
            }
            if c == "`" {
                i = templateText(from: i + 1)
                lastSignificant = i - 1
                continue
            }
            if c == "/" && regexAllowed() {
                var j = i + 1
                var inClass = false
                var closed = false
                while j < count && chars[j] != "\n" {
                    if chars[j] == "\\" { j += 2; continue }
                    if chars[j] == "[" { inClass = true } else if chars[j] == "]" { inClass = false }
                    else if chars[j] == "/" && !inClass { closed = true; break }
                    j += 1
                }
                if closed {
                    for k in (i + 1)..<j { blank(k) }
                    j += 1
                    while j < count && chars[j].isLetter { j += 1 }
                    lastSignificant = j - 1
                    i = j
                    continue
                }
            }
            switch c {
            case "(", "[", "{":
                stack.append(i)
            case ")", "]", "}":
                let expected: Character = c == ")" ? "(" : c == "]" ? "[" : "{"
                if let open = stack.last, chars[open] == expected {
                    stack.removeLast()
                    partner[open] = i
                    partner[i] = open
                    if c == "}", let depth = templateDepths.last, depth == stack.count + 1 {
                        // The end of a `${…}` interpolation: back to the template's text.
                        templateDepths.removeLast()
                        partner[open] = nil
                        partner[i] = nil
                        blank(i)
                        i = templateText(from: i + 1)
                        lastSignificant = i - 1
                        continue
                    }
                } else {
                    problem = problem ?? "unmatched '\(c)'"
                }
            default:
                break
            }
            if !c.isWhitespace { lastSignificant = i }
            i += 1
        }
        if let open = stack.last, problem == nil { problem = "'\(chars[open])' was never closed" }
        return Result(masked: masked, partner: partner, problem: problem, comments: comments)
    }
}

/// A light syntax check in Swift: literals closed, brackets balanced and matched, no dangling
/// operator at the end. The sandbox catches everything else.
enum JavaScriptSyntaxCheck {
    static func problem(in code: String) -> String? {
        let source = JavaScriptSource(code)
        if let problem = source.problem { return problem }
        if let last = source.masked.lastIndex(where: { !$0.isWhitespace }), ",+-*/%=<>&|^~.!?".contains(source.masked[last]) {
            return "ends with '\(source.masked[last])'"
        }
        return nil
    }
}
