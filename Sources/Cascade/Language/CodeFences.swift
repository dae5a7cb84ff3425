import Foundation

/// Markdown code fences in model output: closed, unclosed (a stop sequence cut the closing
/// fence off), tagged or not.
enum CodeFences {
    struct Block: Equatable {
        var tag: String
        var code: String
        var closed: Bool
    }

    /// Every fenced block in order; an unclosed last block runs to the end of the text.
    static func blocks(in raw: String) -> [Block] {
        var blocks: [Block] = []
        var current: (tag: String, lines: [String])?
        for line in raw.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                if let open = current {
                    blocks.append(Block(tag: open.tag, code: SourceLines.join(open.lines), closed: true))
                    current = nil
                } else {
                    current = (String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces).lowercased(), [])
                }
            } else if current != nil {
                current!.lines.append(String(line))
            }
        }
        if let open = current {
            var lines = open.lines
            while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
            if !lines.isEmpty { blocks.append(Block(tag: open.tag, code: SourceLines.join(lines), closed: false)) }
        }
        return blocks
    }

    /// The code of the first block whose code contains `preferring` (else the first block), or
    /// the whole text when there is no fence; nil when that is empty.
    static func code(in raw: String, preferring needle: String?) -> String? {
        let found = blocks(in: raw)
        let chosen: String
        if found.isEmpty {
            chosen = raw.replacingCRLF()
        } else if let needle, let match = found.first(where: { $0.code.contains(needle) }) {
            chosen = match.code
        } else {
            chosen = found[0].code
        }
        return chosen.allSatisfy(\.isWhitespace) ? nil : chosen
    }
}
