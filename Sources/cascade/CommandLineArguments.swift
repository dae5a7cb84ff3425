/// The arguments of one subcommand, parsed against what that subcommand accepts.
struct CommandLineArguments {
    var options: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    /// Parses `arguments` against `spec`'s options (`--x VALUE` or `--x=VALUE`, and flags);
    /// anything else is a usage error that names it and lists what the command accepts.
    init(_ arguments: [String], spec: CommandSpec) throws {
        let command = spec.name
        let valued = Set(spec.options.filter { $0.value != nil }.map(\.name))
        let known = Set(spec.options.filter { $0.value == nil }.map(\.name))
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if known.contains(name), inlineValue == nil {
                flags.insert(name)
            } else if valued.contains(name) {
                if let inlineValue {
                    options[name] = inlineValue
                } else if index < arguments.count {
                    options[name] = arguments[index]
                    index += 1
                } else {
                    throw CLIError.usage("--\(name) needs a value: see `cascade \(command) --help`")
                }
            } else {
                throw CLIError.usage("unknown option --\(name) for `cascade \(command)` (it takes: \(spec.optionList)); see `cascade \(command) --help`")
            }
        }
    }

    /// A numeric option, or a usage error naming it; `nan` and `inf` are not numbers here.
    func number(_ name: String) throws -> Double? {
        guard let text = options[name] else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw CLIError.usage("--\(name) takes a finite number such as 0.002, not '\(text)'")
        }
        return value
    }

    /// `--name N` where N must be a whole number ≥ 0 (a count or a seed).
    func wholeNumber(_ name: String) throws -> Int? {
        guard let text = options[name] else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw CLIError.usage("--\(name) takes a whole number of 0 or more, not '\(text)'")
        }
        return value
    }
}
