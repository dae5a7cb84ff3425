/// `cascade lsp [--config FILE]`: the language server on stdin/stdout.
enum LSPCommand {
    static func run(_ arguments: [String]) async throws -> Int32 {
        _ = try CommandLineArguments(arguments, command: "lsp", options: ["config"])
        throw CLIError.runtime("the language server is not wired yet")
    }
}
