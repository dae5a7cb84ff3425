/// Just enough Python structure for the code action and `cascade.insertTests`:
/// where a `def` is, whether it only has a docstring, and where it ends.
struct PythonFunction: Equatable {
    /// 0-based line of `def` (or `async def`).
    var defLine: Int
    var name: String
    var indentation: Int
    /// Last line of the signature (the one ending in `:`).
    var signatureEndLine: Int
    /// Last line of the docstring, nil when there is none.
    var docstringEndLine: Int?
    /// Non-blank lines after the docstring that belong to the function.
    var bodyLines: [Int]
    /// One past the last line of the function (its body, or its docstring).
    var endLine: Int

    /// A docstring and no body, or only `pass` / `...`.
    var needsBody: Bool {
        docstringEndLine != nil && bodyLines.count <= 1
    }

    /// Finds the function whose `def` is at `line` or the nearest above it that spans `line`.
    static func enclosing(line: Int, in lines: [Substring]) -> PythonFunction? {
        var candidate = min(line, lines.count - 1)
        while candidate >= 0 {
            if let function = parse(defAt: candidate, in: lines), line < max(function.endLine, function.signatureEndLine + 1) || candidate == line {
                return function
            }
            candidate -= 1
        }
        return nil
    }

    /// The function named `name`, if any.
    static func named(_ name: String, in lines: [Substring]) -> PythonFunction? {
        for index in lines.indices {
            if let function = parse(defAt: index, in: lines), function.name == name { return function }
        }
        return nil
    }

    static func parse(defAt index: Int, in lines: [Substring]) -> PythonFunction? {
        let text = lines[index]
        let indentation = text.prefix(while: { $0 == " " || $0 == "\t" }).count
        var rest = text.dropFirst(indentation)
        if rest.hasPrefix("async ") { rest = rest.dropFirst(6).drop(while: { $0 == " " }) }
        guard rest.hasPrefix("def ") else { return nil }
        let name = String(rest.dropFirst(4).drop(while: { $0 == " " }).prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" }))
        guard !name.isEmpty else { return nil }
        // The signature ends at the first line whose code ends with ':'.
        var signatureEnd = index
        while signatureEnd < lines.count, !lines[signatureEnd].trimmingTrailingComment().hasSuffix(":") { signatureEnd += 1 }
        guard signatureEnd < lines.count else { return nil }
        // The body: following lines indented deeper than the def, blank lines included.
        var end = signatureEnd + 1
        var lastNonBlank = signatureEnd
        while end < lines.count {
            let line = lines[end]
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { end += 1; continue }
            let indent = line.prefix(while: { $0 == " " || $0 == "\t" }).count
            if indent <= indentation { break }
            lastNonBlank = end
            end += 1
        }
        let bodyEnd = lastNonBlank + 1
        var docstringEnd: Int?
        var firstBodyLine = signatureEnd + 1
        while firstBodyLine < bodyEnd, lines[firstBodyLine].allSatisfy({ $0 == " " || $0 == "\t" }) { firstBodyLine += 1 }
        if firstBodyLine < bodyEnd {
            // A docstring: optional string prefix letters, then triple quotes.
            let opening = lines[firstBodyLine].drop(while: { $0 == " " || $0 == "\t" }).drop(while: { "rRbBuUfF".contains($0) })
            if let quote = ["\"\"\"", "\'\'\'"].first(where: { opening.hasPrefix($0) }) {
                if opening.dropFirst(3).contains(quote) {
                    docstringEnd = firstBodyLine
                } else {
                    var cursor = firstBodyLine + 1
                    while cursor < bodyEnd, !lines[cursor].contains(quote) { cursor += 1 }
                    if cursor < bodyEnd { docstringEnd = cursor }
                }
            }
        }
        var bodyLines: [Int] = []
        let afterDocstring = (docstringEnd ?? signatureEnd) + 1
        if afterDocstring < bodyEnd {
            for lineIndex in afterDocstring..<bodyEnd where !lines[lineIndex].allSatisfy({ $0 == " " || $0 == "\t" }) {
                bodyLines.append(lineIndex)
            }
        }
        if docstringEnd != nil, bodyLines.count == 1 {
            let only = lines[bodyLines[0]].trimmingCharacters()
            if only != "pass" && only != "..." { bodyLines.append(bodyLines[0]) }  // a real one-line body
        }
        return PythonFunction(
            defLine: index, name: name, indentation: indentation, signatureEndLine: signatureEnd,
            docstringEndLine: docstringEnd, bodyLines: bodyLines, endLine: bodyEnd
        )
    }
}

extension Substring {
    fileprivate func trimmingTrailingComment() -> Substring {
        var inString: Character?
        var end = endIndex
        for index in indices {
            let character = self[index]
            if let quote = inString {
                if character == quote { inString = nil }
            } else if character == "\"" || character == "'" {
                inString = character
            } else if character == "#" {
                end = index
                break
            }
        }
        var result = self[startIndex..<end]
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
        return result
    }

    fileprivate func trimmingCharacters() -> Substring {
        var result = self.drop(while: { $0 == " " || $0 == "\t" })
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
        return result
    }
}
