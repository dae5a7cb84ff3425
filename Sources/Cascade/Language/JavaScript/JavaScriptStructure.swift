/// A function with a block body, found in JavaScript source.
struct JavaScriptFunction: Equatable {
    enum Form: Equatable {
        /// `function f(…) {`, possibly `async`, `export`, `export default`.
        case declaration
        /// `const f = (…) => {` or `const f = function (…) {`.
        case expression
        /// A method (or an arrow-function field) directly in a class body.
        case method
        /// Anything else with a name: an object-literal method, a getter or setter.
        case other
    }

    var name: String
    var form: Form
    /// Offset of the header's first character (`export`, `async`, `const`, `static`, …).
    var headerStart: Int
    /// Offsets of the body's braces.
    var open: Int
    var close: Int
    /// For a method, the class it is in.
    var className: String?
    var classOpen: Int?
    var isAccessor = false
}

/// A class body: `class Name [extends Base] {`.
struct JavaScriptClass: Equatable {
    var name: String
    var headerStart: Int
    var open: Int
    var close: Int
}

extension JavaScriptSource {
    private static let notFunctionWords: Set<String> = ["if", "for", "while", "switch", "catch", "with", "function", "return", "typeof"]

    /// Every class body, in order.
    func classes() -> [JavaScriptClass] {
        masked.indices.compactMap { index in
            guard masked[index] == "{", let close = partner[index] else { return nil }
            return classHeader(at: index).map { JavaScriptClass(name: $0.name, headerStart: $0.start, open: index, close: close) }
        }
    }

    /// The class whose body opens at `open`, if that brace opens one.
    func classHeader(at open: Int) -> (name: String, start: Int)? {
        guard let first = word(before: open) else { return nil }
        if first.name == "class" { return ("", first.start) }
        var name = first
        var extendsWord = word(before: name.start)
        // `class A extends b.C {`: step over the dotted base.
        while extendsWord == nil, let dot = previousSignificant(before: name.start), masked[dot] == ".",
              let base = identifier(endingAt: dot - 1) {
            name = base
            extendsWord = word(before: base.start)
        }
        if extendsWord?.name == "extends", let className = extendsWord.flatMap({ word(before: $0.start) }),
           word(before: className.start)?.name == "class" {
            return (className.name, word(before: className.start)!.start)
        }
        if extendsWord?.name == "class" { return (name.name, extendsWord!.start) }
        return nil
    }

    /// Every named function with a block body, in order of their bodies.
    func functions() -> [JavaScriptFunction] {
        let classOpens = Dictionary(uniqueKeysWithValues: classes().map { ($0.open, $0) })
        return masked.indices.compactMap { index in
            guard masked[index] == "{", let close = partner[index] else { return nil }
            return function(openingAt: index, close: close, classOpens: classOpens)
        }
    }

    private func function(openingAt open: Int, close: Int, classOpens: [Int: JavaScriptClass]) -> JavaScriptFunction? {
        guard let before = previousSignificant(before: open) else { return nil }
        let directClass = enclosing(open).last.flatMap { classOpens[$0] }
        if masked[before] == ")", let paren = partner[before] {
            guard let callee = word(before: paren) else { return nil }
            if callee.name == "function" {
                return variable(assignedAt: modifiers(before: callee.start, allowed: ["async"]), open: open, close: close, directClass: directClass)
            }
            guard !Self.notFunctionWords.contains(callee.name) else { return nil }
            if let keyword = word(before: callee.start), keyword.name == "function" {
                let start = modifiers(before: keyword.start, allowed: ["async"])
                if let assigned = variable(assignedAt: start, open: open, close: close, directClass: directClass) { return assigned }
                return JavaScriptFunction(name: callee.name, form: .declaration,
                                          headerStart: modifiers(before: start, allowed: ["export", "default"]), open: open, close: close)
            }
            if let star = previousSignificant(before: callee.start), masked[star] == "*" { return nil }
            let start = modifiers(before: callee.start, allowed: ["static", "async", "get", "set"])
            let accessor = ["get", "set"].contains(word(before: callee.start)?.name ?? "")
            if let directClass {
                return JavaScriptFunction(name: callee.name, form: accessor ? .other : .method, headerStart: start, open: open, close: close,
                                          className: directClass.name, classOpen: directClass.open, isAccessor: accessor)
            }
            return JavaScriptFunction(name: callee.name, form: .other, headerStart: start, open: open, close: close, isAccessor: accessor)
        }
        if masked[before] == ">", before > 0, masked[before - 1] == "=", let params = previousSignificant(before: before - 1) {
            var start: Int
            if masked[params] == ")", let paren = partner[params] {
                start = paren
            } else if let single = identifier(endingAt: params) {
                start = single.start
            } else {
                return nil
            }
            start = modifiers(before: start, allowed: ["async"])
            return variable(assignedAt: start, open: open, close: close, directClass: directClass)
        }
        return nil
    }

    /// `[export] const name = <function at start>` or a class field `name = <function>`.
    private func variable(assignedAt start: Int, open: Int, close: Int, directClass: JavaScriptClass?) -> JavaScriptFunction? {
        guard let equals = previousSignificant(before: start), masked[equals] == "=",
              equals == 0 || !"=!<>+-*/%&|^".contains(masked[equals - 1]),
              let name = word(before: equals) else { return nil }
        if let declaration = word(before: name.start), ["const", "let", "var"].contains(declaration.name) {
            return JavaScriptFunction(name: name.name, form: .expression,
                                      headerStart: modifiers(before: declaration.start, allowed: ["export"]), open: open, close: close)
        }
        if let directClass {
            return JavaScriptFunction(name: name.name, form: .method, headerStart: modifiers(before: name.start, allowed: ["static"]),
                                      open: open, close: close, className: directClass.name, classOpen: directClass.open)
        }
        return nil
    }

    /// Moves `start` back over any of the `allowed` keywords written before it.
    private func modifiers(before start: Int, allowed: Set<String>) -> Int {
        var result = start
        while let word = word(before: result), allowed.contains(word.name) { result = word.start }
        return result
    }

    // MARK: - Top-level items

    /// Line ranges of the top-level statements: a statement runs until its brackets close at a
    /// line end with no operator asking for more.
    func topLevelItems() -> [Range<Int>] {
        var items: [Range<Int>] = []
        var line = 0
        while line < lineCount {
            if isBlank(line: line) || !enclosing(lineStarts[line]).isEmpty {
                line += 1
                continue
            }
            var end = line
            while end + 1 < lineCount {
                let lineEnd = bounds(ofLine: end).upperBound
                if !enclosing(lineEnd).isEmpty {
                    end += 1
                    continue
                }
                let trimmed = maskedLine(end).trimmingCharacters(in: .whitespaces)
                if let last = trimmed.last, ",=+-*/%&|?:.(".contains(last) || trimmed.hasSuffix("=>") {
                    end += 1
                    continue
                }
                var next = end + 1
                while next < lineCount && isBlank(line: next) { next += 1 }
                let following = next < lineCount ? maskedLine(next).trimmingCharacters(in: .whitespaces) : ""
                if following.hasPrefix(".") || following.hasPrefix("?") || following.hasPrefix(":")
                    || following.hasPrefix("&&") || following.hasPrefix("||") {
                    end = next
                    continue
                }
                break
            }
            items.append(line..<(end + 1))
            line = end + 1
        }
        return items
    }

    /// The `/** … */` (or `/* … */`) comment lines directly above `line`, if any.
    func docComment(above line: Int) -> Range<Int>? {
        guard line > 0 else { return nil }
        let last = line - 1
        guard text(ofLine: last).trimmingCharacters(in: .whitespaces).hasSuffix("*/") else { return nil }
        var first = last
        while first >= 0 && !text(ofLine: first).trimmingCharacters(in: .whitespaces).hasPrefix("/*") { first -= 1 }
        return first >= 0 ? first..<(last + 1) : nil
    }
}

/// Turns module syntax into script syntax, which a `node:vm` script can run.
enum JavaScriptModules {
    /// A line with `export` dropped and an `import` rewritten as `require`; nil for lines
    /// that only re-export (`export { a }`, `export default name;`).
    static func scriptForm(_ line: String) -> String? {
        let indent = String(line.prefix { $0 == " " || $0 == "\t" })
        var rest = line.dropFirst(indent.count)
        if rest.hasPrefix("import ") || rest.hasPrefix("import{") { return importAsRequire(String(rest)).map { indent + $0 } }
        if rest.hasPrefix("export ") {
            rest = rest.dropFirst(7).drop(while: { $0 == " " })
            if rest.hasPrefix("default ") {
                let value = rest.dropFirst(8).drop(while: { $0 == " " })
                if value.hasPrefix("function") || value.hasPrefix("async ") || value.hasPrefix("class ") { return indent + value }
                return nil
            }
            if rest.hasPrefix("{") || rest.hasPrefix("*") { return nil }
            return indent + rest
        }
        if rest.hasPrefix("module.exports") || rest.hasPrefix("exports.") { return nil }
        return line
    }

    /// `import x from 'm'`, `import { a, b as c } from 'm'`, `import * as x from 'm'`, `import 'm'`.
    static func importAsRequire(_ line: String) -> String? {
        var text = line.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix(";") { text.removeLast() }
        text = String(text.dropFirst(6)).trimmingCharacters(in: .whitespaces)
        guard let fromRange = text.range(of: " from ", options: .backwards) else {
            return text.first == "'" || text.first == "\"" ? "require(\(text));" : nil
        }
        let module = text[fromRange.upperBound...].trimmingCharacters(in: .whitespaces)
        var clause = text[..<fromRange.lowerBound].trimmingCharacters(in: .whitespaces)
        var parts: [String] = []
        if !clause.hasPrefix("{") && !clause.hasPrefix("*") {
            let name = clause.prefix { JavaScriptSource.isIdentifierChar($0) }
            parts.append("const \(name) = require(\(module));")
            clause = clause.dropFirst(name.count).drop { $0 == " " || $0 == "," }.trimmingCharacters(in: .whitespaces)
        }
        if clause.hasPrefix("* as ") {
            parts.append("const \(clause.dropFirst(5).trimmingCharacters(in: .whitespaces)) = require(\(module));")
        } else if clause.hasPrefix("{"), clause.hasSuffix("}") {
            let names = clause.dropFirst().dropLast().split(separator: ",").map { item -> String in
                let words = item.split(separator: " ").map(String.init)
                return words.count == 3 && words[1] == "as" ? "\(words[0]): \(words[2])" : words.joined()
            }
            parts.append("const { \(names.joined(separator: ", ")) } = require(\(module));")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}
