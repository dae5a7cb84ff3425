/// `cascade tune --replay DIR [--budget USD] [--out FILE]`
enum TuneCommand {
    static func run(_ arguments: [String]) async throws -> Int32 {
        _ = try CommandLineArguments(arguments, command: "tune", options: ["replay", "budget", "out"])
        throw CLIError.runtime("`cascade tune` is not built yet: see the open evaluation issue")
    }
}
