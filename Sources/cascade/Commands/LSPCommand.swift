import Cascade
import Foundation
import JSONRPC
import LanguageServer

/// `cascade lsp [--config FILE]`: the language server on stdin/stdout.
enum LSPCommand {
    static let spec = CommandSpec(
        name: "lsp", summary: "the language server, on stdin and stdout",
        options: [.valued("config", "FILE", "the configuration (the editor's initializationOptions take precedence)")],
        run: run)

    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, spec: spec)
        let configPath = parsed.options["config"]
        // One set of model clients, local servers and sandbox for the session, and one cache;
        // every (re)configuration builds a new engine on them. A bad config file does not
        // stop the server: the factory throws, and the editor is shown the message.
        let shared = Runtime(loaded: LoadedConfig(config: LocalModelDefaults.config, source: .builtIn))
        let cache = CompletionCache()
        return await LanguageServer.runStdio { options in
            if let options, options != .null, options != .object([:]) {
                return shared.makeEngine(config: try ConfigLoader.decode(value: options), cache: cache)
            }
            return shared.makeEngine(config: try Runtime.loadConfig(path: configPath).config, cache: cache)
        }
    }
}
