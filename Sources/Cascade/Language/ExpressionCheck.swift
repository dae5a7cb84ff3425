/// What a language's expressions may contain, for `ExpressionCheck`.
struct ExpressionGrammar {
    /// Operator symbols that stand between two operands, e.g. `==`, `+`.
    var binarySymbols: Set<String>
    /// Operator symbols that may stand before an operand, e.g. `-`, `~`.
    var unarySymbols: Set<String>
    /// Word operators between two operands, e.g. `and`, `in`, `instanceof`.
    var binaryWords: Set<String>
    /// Word operators before an operand, e.g. `not`, `typeof`.
    var unaryWords: Set<String>
    /// Names that are values without being defined: literals and built-in functions.
    var builtins: Set<String>
    /// Quote characters that open a string literal.
    var quotes: Set<Character>
    /// Names glued to a quote that make it a string (Python's `r''`, `b''`), lowercased.
    var stringPrefixes: Set<String> = []
    /// Whether `'a' 'b'` is one string (Python), not two values in a row.
    var adjacentStrings = false
    /// Whether `name=value` inside parentheses is a keyword argument (Python).
    var keywordArguments = false
    /// Whether `name:` after `{` or `,` inside braces is a property key (JavaScript).
    var bareKeys = false
    /// The word that starts a comprehension's loop (`for`): the names up to `in` are bound.
    var comprehensionWord: String?
    /// Characters other than letters, digits and `_` that identifiers may hold (`$`).
    var identifierExtras: Set<Character> = []

    /// The symbols, longest first, so that `==` is read before `=`.
    var symbolsByLength: [String] {
        binarySymbols.union(unarySymbols).sorted { $0.count > $1.count }
    }
}

/// Whether a short text written in prose (the expected value of a docstring example, or its
/// call) is one well-formed expression made of literals, known names, operators, calls and
/// brackets. A bracket check alone would let through prose such as `a list of the words`;
/// the sandbox cannot be asked, because a broken trusted example makes every candidate fail.
///
/// It reads masked text, where each string literal's contents are blanked and its quotes kept
/// (each language masks with its own lexer), and answers what is wrong, or nil.
enum ExpressionCheck {
    enum Token: Equatable {
        /// A number or a string literal.
        case literal(isString: Bool)
        case name(String)
        case word(String)
        case symbol(String)
        case open(Character)
        case close(Character)
        case comma, colon, dot, equals
    }

    /// Nil when `masked` is one expression whose names are all `known` or built in.
    static func problem(in masked: String, grammar: ExpressionGrammar, known: Set<String>) -> String? {
        guard let tokens = tokens(of: Array(masked), grammar: grammar) else { return "not an expression" }
        var stack: [Character] = []
        var expectOperand = true
        var canClose = false
        var binding = false
        var references: [String] = []
        var bound: Set<String> = []
        for (index, token) in tokens.enumerated() {
            let previous = index > 0 ? tokens[index - 1] : nil
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            var closable = false
            switch token {
            case .literal(let isString):
                if !expectOperand {
                    guard isString, grammar.adjacentStrings, previous == .literal(isString: true) else { return "two values in a row" }
                }
                expectOperand = false
            case .name(let name):
                guard expectOperand else { return "two values in a row" }
                if previous == .dot {
                    // An attribute: never a reference.
                } else if binding {
                    bound.insert(name)
                } else if grammar.keywordArguments, next == .equals, stack.last == "(" {
                    // A keyword argument's name.
                } else if grammar.bareKeys, next == .colon, stack.last == "{", previous == .open("{") || previous == .comma {
                    // A property key.
                } else {
                    references.append(name)
                }
                expectOperand = false
            case .word(let word):
                if word == grammar.comprehensionWord {
                    guard !expectOperand, !stack.isEmpty, !binding else { return "misplaced '\(word)'" }
                    binding = true
                    expectOperand = true
                } else if binding && word == "in" {
                    guard !expectOperand else { return "misplaced 'in'" }
                    binding = false
                    expectOperand = true
                } else if expectOperand {
                    guard grammar.unaryWords.contains(word) else { return "misplaced '\(word)'" }
                } else {
                    guard grammar.binaryWords.contains(word) else { return "misplaced '\(word)'" }
                    expectOperand = true
                }
            case .symbol(let symbol):
                if expectOperand {
                    guard grammar.unarySymbols.contains(symbol) else { return "misplaced '\(symbol)'" }
                    if symbol == "*" || symbol == "**" {
                        // Unpacking, only as an element or an argument.
                        guard previous == .comma || previous.map({ if case .open = $0 { return true } else { return false } }) == true
                        else { return "misplaced '\(symbol)'" }
                    }
                } else {
                    guard grammar.binarySymbols.contains(symbol) else { return "misplaced '\(symbol)'" }
                    expectOperand = true
                }
            case .open(let bracket):
                if !expectOperand {
                    // A call or a subscript.
                    guard bracket == "(" || bracket == "[" else { return "misplaced '\(bracket)'" }
                }
                stack.append(bracket)
                expectOperand = true
                closable = true
            case .close(let bracket):
                let opening: Character = bracket == ")" ? "(" : bracket == "]" ? "[" : "{"
                guard stack.popLast() == opening else { return "unmatched '\(bracket)'" }
                guard !expectOperand || canClose else { return "operator before '\(bracket)'" }
                guard !binding else { return "unfinished comprehension" }
                expectOperand = false
            case .comma:
                // A comma outside brackets would make an assert's message out of the rest.
                guard !stack.isEmpty, !expectOperand else { return "misplaced ','" }
                expectOperand = true
                closable = true
            case .colon:
                guard let top = stack.last, top == "{" || top == "[" else { return "misplaced ':'" }
                guard top == "[" || !expectOperand else { return "misplaced ':'" }
                expectOperand = true
                closable = top == "["
            case .dot:
                guard !expectOperand, case .name = next else { return "misplaced '.'" }
                expectOperand = true
            case .equals:
                guard grammar.keywordArguments, stack.last == "(", case .name = previous else { return "misplaced '='" }
                expectOperand = true
            }
            canClose = closable
        }
        if !stack.isEmpty { return "'\(stack.last!)' was never closed" }
        if expectOperand { return tokens.isEmpty ? "empty" : "ends with an operator" }
        if let unknown = references.first(where: { !grammar.builtins.contains($0) && !known.contains($0) && !bound.contains($0) }) {
            return "unknown name '\(unknown)'"
        }
        return nil
    }

    /// The tokens of masked text; nil when it holds something no expression can (a `;`, a `\`,
    /// an ellipsis, an unclosed string).
    static func tokens(of chars: [Character], grammar: ExpressionGrammar) -> [Token]? {
        let symbols = grammar.symbolsByLength
        var tokens: [Token] = []
        var i = 0
        func isIdentifierStart(_ c: Character) -> Bool { c.isLetter || c == "_" || grammar.identifierExtras.contains(c) }
        func isIdentifierChar(_ c: Character) -> Bool { isIdentifierStart(c) || c.isNumber }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
                continue
            }
            if grammar.quotes.contains(c) {
                guard let close = chars[(i + 1)...].firstIndex(of: c) else { return nil }
                tokens.append(.literal(isString: true))
                i = close + 1
                continue
            }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i + 1
                let hex = c == "0" && j < chars.count && "xXbBoO".contains(chars[j])
                while j < chars.count {
                    let d = chars[j]
                    if d.isLetter || d.isNumber || d == "_" || d == "." {
                        j += 1
                    } else if (d == "+" || d == "-") && !hex && "eE".contains(chars[j - 1]) {
                        j += 1
                    } else {
                        break
                    }
                }
                tokens.append(.literal(isString: false))
                i = j
                continue
            }
            if isIdentifierStart(c) {
                var j = i + 1
                while j < chars.count && isIdentifierChar(chars[j]) { j += 1 }
                let word = String(chars[i..<j])
                if j < chars.count, grammar.quotes.contains(chars[j]), grammar.stringPrefixes.contains(word.lowercased()) {
                    // `r'…'`: the prefix belongs to the string that follows.
                    i = j
                    continue
                }
                if grammar.binaryWords.contains(word) || grammar.unaryWords.contains(word) || word == grammar.comprehensionWord {
                    // `not in` and `is not` are one operator.
                    if case .word(let last) = tokens.last, (last == "not" && word == "in") || (last == "is" && word == "not") {
                        tokens[tokens.count - 1] = .word(last + " " + word)
                    } else {
                        tokens.append(.word(word))
                    }
                } else {
                    tokens.append(.name(word))
                }
                i = j
                continue
            }
            switch c {
            case "(", "[", "{":
                tokens.append(.open(c))
                i += 1
                continue
            case ")", "]", "}":
                tokens.append(.close(c))
                i += 1
                continue
            case ",":
                tokens.append(.comma)
                i += 1
                continue
            case ":":
                tokens.append(.colon)
                i += 1
                continue
            default:
                break
            }
            if c == ".", i + 1 < chars.count, chars[i + 1] == "." { return nil }
            if let symbol = symbols.first(where: { matches($0, chars, at: i) }) {
                tokens.append(.symbol(symbol))
                i += symbol.count
                continue
            }
            switch c {
            case ".": tokens.append(.dot)
            case "=": tokens.append(.equals)
            default: return nil
            }
            i += 1
        }
        return tokens
    }

    private static func matches(_ symbol: String, _ chars: [Character], at index: Int) -> Bool {
        var i = index
        for c in symbol {
            guard i < chars.count, chars[i] == c else { return false }
            i += 1
        }
        return true
    }
}
