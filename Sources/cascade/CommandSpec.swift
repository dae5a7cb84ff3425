/// One subcommand, declared once: what it is for, what it accepts, and how it runs. The
/// global usage, `cascade COMMAND --help` and the parser all read this declaration.
struct CommandSpec {
    /// `--name VALUE` (when `value` is set) or a `--name` flag, with its one-line help.
    struct Option {
        var name: String
        /// What the value is, as the usage shows it (`FILE`, `DIR`, `N`); nil for a flag.
        var value: String?
        var help: String

        static func valued(_ name: String, _ value: String, _ help: String) -> Option {
            Option(name: name, value: value, help: help)
        }

        static func flag(_ name: String, _ help: String) -> Option {
            Option(name: name, value: nil, help: help)
        }

        var shown: String { value.map { "--\(name) \($0)" } ?? "--\(name)" }
    }

    var name: String
    /// The positional part of the usage line, e.g. `FILE:LINE`; empty when there is none.
    var positionals: String = ""
    /// One line, for the global list.
    var summary: String
    /// More about the command, shown by `cascade COMMAND --help`.
    var details: String = ""
    var options: [Option] = []
    var run: @Sendable ([String]) async throws -> Int32

    /// `cascade NAME [options] POSITIONALS`.
    var usageLine: String {
        (["cascade", name] + (options.isEmpty ? [] : ["[options]"]) + (positionals.isEmpty ? [] : [positionals])).joined(separator: " ")
    }

    /// What `cascade NAME --help` prints.
    var help: String {
        var text = "usage: \(usageLine)\n\n\(summary)\n"
        if !details.isEmpty { text += "\n\(details)\n" }
        if !options.isEmpty {
            let width = options.map(\.shown.count).max() ?? 0
            text += "\noptions:\n" + options.map { option in
                "  " + option.shown.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + option.help
            }.joined(separator: "\n") + "\n"
        }
        return text
    }

    /// The options as a list for error messages: `--config FILE, --json`.
    var optionList: String {
        options.isEmpty ? "none" : options.map(\.shown).joined(separator: ", ")
    }
}

extension CommandSpec {
    /// Every command, in the order the global usage lists them (each declares its own `spec`).
    static let all: [CommandSpec] = [
        DemoCommand.spec,
        CompleteCommand.spec,
        LSPCommand.spec,
        EvalCommand.spec,
        TuneCommand.spec,
        SetupCommand.spec,
        DoctorCommand.spec,
    ]

    static func named(_ name: String) -> CommandSpec? {
        all.first { $0.name == name }
    }

    /// What `cascade --help` prints.
    static var globalUsage: String {
        let width = all.map(\.name.count).max() ?? 0
        return "usage: cascade <command> [options]\n\ncommands:\n"
            + all.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.summary }.joined(separator: "\n")
            + "\n\n`cascade <command> --help` shows a command's options.\n"
    }
}
