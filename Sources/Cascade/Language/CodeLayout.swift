/// Indentation chores every language's extractor shares: model output is normalised to
/// spaces, then re-indented into the document's body with the document's own style.
enum CodeLayout {
    /// Leading tabs become `tabWidth` spaces each, fence lines go; CRLF becomes LF.
    static func normalised(_ code: String, tabWidth: Int) -> String {
        let tab = String(repeating: " ", count: tabWidth)
        return SourceLines.split(code).filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("```") }.map { line in
            let leading = line.prefix { $0 == " " || $0 == "\t" }
            guard leading.contains("\t") else { return line }
            return leading.reduce(into: "") { $0 += $1 == "\t" ? tab : " " } + line.dropFirst(leading.count)
        }.reduce(into: "") { $0 += $1 + "\n" }
    }

    /// `lines` (space-indented) placed under `bodyIndent`, with tabs when the document
    /// indents with tabs; `defaultUnit` is the indent width assumed when no line shows one.
    static func indented(_ lines: [String], bodyIndent: String, defaultUnit: Int) -> String {
        let useTabs = bodyIndent.contains("\t")
        let unit = lines.compactMap { line -> Int? in
            let width = line.prefix { $0 == " " }.count
            return width > 0 && width < line.count ? width : nil
        }.min() ?? defaultUnit
        return lines.reduce(into: "") { text, line in
            guard !line.allSatisfy(\.isWhitespace) else {
                text += "\n"
                return
            }
            var relative = String(line.prefix { $0 == " " })
            if useTabs { relative = String(repeating: "\t", count: relative.count / unit) + String(repeating: " ", count: relative.count % unit) }
            text += bodyIndent + relative + line.drop { $0 == " " } + "\n"
        }
    }
}
