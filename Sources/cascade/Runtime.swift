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

    /// Loads the config by the lookup order of DESIGN.md §3.2 (`--config` first).
    init(configPath: String?, workspaceRoot: String? = FileManager.default.currentDirectoryPath) throws {
        do {
            loaded = try ConfigLoader(explicitPath: configPath, workspaceRoot: workspaceRoot).load()
        } catch {
            throw CLIError.usage(error.description)
        }
        models = ModelProvider()
        executor = SandboxExecutor()
    }

    /// The engine every command uses, with a cache of verified completions.
    func makeEngine(config: CascadeConfig? = nil, cache: CompletionCache? = CompletionCache()) -> CascadeEngine {
        CascadeEngine(config: config ?? self.config, models: models, executor: executor, cache: cache)
    }
}
