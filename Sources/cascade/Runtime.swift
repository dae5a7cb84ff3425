import Cascade
import Foundation
import ModelClients
import Sandbox

/// The parts one command runs with: the config that was found and the engine built on it.
struct Runtime {
    let loaded: LoadedConfig
    let models: ModelProvider
    let executor: SandboxExecutor

    var config: CascadeConfig { loaded.config }

    /// Loads the config by `ConfigLoader`'s lookup order (`--config` first).
    init(configPath: String?) throws {
        self.init(loaded: try Self.loadConfig(path: configPath))
    }

    init(loaded: LoadedConfig) {
        self.loaded = loaded
        models = ModelProvider()
        executor = SandboxExecutor()
    }

    /// The config by the lookup order, the working directory as the workspace root.
    static func loadConfig(path: String?) throws -> LoadedConfig {
        do {
            return try ConfigLoader(explicitPath: path, workspaceRoot: FileManager.default.currentDirectoryPath).load()
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    /// The engine every command uses, with a cache of verified completions.
    func makeEngine(config: CascadeConfig? = nil, cache: CompletionCache? = CompletionCache()) -> CascadeEngine {
        CascadeEngine(config: config ?? self.config, models: models, executor: executor, cache: cache)
    }
}
