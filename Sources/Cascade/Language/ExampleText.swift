/// What every language's example reader does alike with the text of an example: walk the
/// comment's lines, join the lines an example spans, and say how closely a computed float
/// must match a written one.
enum ExampleText {
    /// Every example `example(index, lines)` finds, each read from the line after the one
    /// before it ended (at least one line on).
    static func read<Found>(_ lines: [String], example: (Int, [String]) -> (Found?, Int)) -> [Found] {
        var found: [Found] = []
        var index = 0
        while index < lines.count {
            let (example, next) = example(index, lines)
            if let example { found.append(example) }
            index = max(next, index + 1)
        }
        return found
    }

    /// Lines (each trimmed) joined by one space, none after an opening bracket or before a
    /// closing one, so that `f([` and `1])` read `f([1])`.
    static func joined(_ lines: [String]) -> String {
        lines.reduce(into: "") { text, line in
            if !text.isEmpty, let last = text.last, let first = line.first, !"([{".contains(last), !")]}".contains(first) {
                text += " "
            }
            text += line
        }
    }

    /// Half a unit of the last digit `literal` prints (`5e-2` for `0.5`, `5e-3` for `6.00`, `5e-4`
    /// for `1e-3`), never finer than `5e-10`: examples print floats rounded (`0.33` for a third)
    /// and a computed float rarely equals its printed form exactly. Nil when `literal` is not a
    /// float literal (an integer, or anything else).
    static func tolerance(ofFloat literal: String) -> String? {
        var body = Substring(literal)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false) }
        guard let mantissa = parts.first, parts.count <= 2 else { return nil }
        var exponent = 0
        if parts.count == 2 {
            guard let written = Int(parts[1]) else { return nil }
            exponent = written
        }
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              pieces.contains(where: { !$0.isEmpty }), pieces.count == 2 || parts.count == 2 else { return nil }
        let decimals = pieces.count == 2 ? pieces[1].count : 0
        let place = max(exponent - decimals, -9)
        return "5e\(place - 1)"
    }
}
