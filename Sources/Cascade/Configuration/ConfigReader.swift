/// Reads one JSON object of a configuration, naming every problem by its key path.
///
/// Each getter marks its key as known; `finish()` rejects the keys nobody asked for.
struct ConfigReader {
    let source: String
    let path: String
    private let fields: [String: ConfigJSON]
    private var known: [String] = []

    init(_ value: ConfigJSON, source: String, path: String) throws(ConfigError) {
        guard case .object(let fields) = value else {
            throw ConfigError(source: source, keyPath: path.isEmpty ? nil : path,
                              message: "expected an object, found \(value.typeName)",
                              fix: "write it as { \"key\": value, … }")
        }
        self.source = source
        self.path = path
        self.fields = fields
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func failure(_ key: String, _ message: String, fix: String) -> ConfigError {
        ConfigError(source: source, keyPath: keyPath(key), message: message, fix: fix)
    }

    private mutating func value(_ key: String) -> ConfigJSON? {
        known.append(key)
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    mutating func raw(_ key: String) -> ConfigJSON? { value(key) }

    mutating func string(_ key: String, default fallback: String? = nil) throws(ConfigError) -> String? {
        guard let found = value(key) else { return fallback }
        guard case .string(let text) = found else {
            throw failure(key, "expected a string, found \(found.typeName)", fix: "write it in double quotes")
        }
        return text
    }

    mutating func requiredString(_ key: String, example: String) throws(ConfigError) -> String {
        guard let text = try string(key) else {
            throw failure(key, "missing", fix: "add \"\(key)\": \(example)")
        }
        guard !text.isEmpty else { throw failure(key, "must not be empty", fix: "give it a value such as \(example)") }
        return text
    }

    mutating func number(_ key: String, default fallback: Double, range: ClosedRange<Double>, rangeText: String) throws(ConfigError) -> Double {
        guard let found = value(key) else { return fallback }
        guard case .number(let number) = found else {
            throw failure(key, "expected a number, found \(found.typeName)", fix: "write a number \(rangeText)")
        }
        guard range.contains(number) else {
            throw failure(key, "\(ConfigJSON.describe(number)) is out of range", fix: "use a number \(rangeText)")
        }
        return number
    }

    mutating func optionalNumber(_ key: String, range: ClosedRange<Double>, rangeText: String) throws(ConfigError) -> Double? {
        guard value(key) != nil else { return nil }
        known.removeLast()
        return try number(key, default: 0, range: range, rangeText: rangeText)
    }

    mutating func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>, rangeText: String) throws(ConfigError) -> Int {
        guard let found = value(key) else { return fallback }
        // Checked as a Double first: converting 1e19, ±infinity or 2.5 to Int would trap.
        guard case .number(let number) = found, !number.isNaN, number == number.rounded() else {
            throw failure(key, "expected a whole number, found \(found.typeName)", fix: "write a whole number \(rangeText)")
        }
        guard number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw failure(key, "\(ConfigJSON.describe(number)) is out of range", fix: "use a whole number \(rangeText)")
        }
        return Int(number)
    }

    mutating func optionalInteger(_ key: String, range: ClosedRange<Int>, rangeText: String) throws(ConfigError) -> Int? {
        guard value(key) != nil else { return nil }
        known.removeLast()
        return try integer(key, default: 0, range: range, rangeText: rangeText)
    }

    mutating func choice<T: RawRepresentable>(_ key: String, default fallback: T, allowed: [T]) throws(ConfigError) -> T where T.RawValue == String {
        let names = allowed.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let found = value(key) else { return fallback }
        guard case .string(let text) = found else {
            throw failure(key, "expected one of \(names), found \(found.typeName)", fix: "use one of \(names)")
        }
        guard let parsed = T(rawValue: text), allowed.contains(where: { $0.rawValue == parsed.rawValue }) else {
            throw failure(key, "\"\(text)\" is not allowed", fix: "use one of \(names)")
        }
        return parsed
    }

    mutating func object(_ key: String) throws(ConfigError) -> ConfigReader? {
        guard let found = value(key) else { return nil }
        return try ConfigReader(found, source: source, path: keyPath(key))
    }

    /// Rejects every key no getter asked for, suggesting the closest known one.
    func finish() throws(ConfigError) {
        for key in fields.keys.sorted() where !known.contains(key) {
            let suggestion = known.min { Self.distance(key, $0) < Self.distance(key, $1) }
                .flatMap { Self.distance(key, $0) <= max(2, key.count / 3) ? $0 : nil }
            let hint = suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""
            throw failure(key, "unknown key\(hint)", fix: "remove or rename it; known keys here: \(known.joined(separator: ", "))")
        }
    }

    /// Edit distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
