import Foundation
import JSONRPC
import TestSupport

/// `cascade-bench lsp [--binary PATH]`: starts an instant fake model on 127.0.0.1, writes
/// a one-tier config for it into a scratch `CASCADE_HOME`, and runs `runLSPBenchmark`.
enum LSPBenchCommand {
    /// The trivial function of the benchmark and what the fake model answers for it.
    static let solution = "```python\ndef add(a, b):\n    return a + b\n```"
    static let tests = "```python\nassert add(1, 2) == 3\n```"

    static func run(_ arguments: [String]) async -> Int32 {
        var binary = ".build/release/cascade"
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            guard argument == "--binary", let path = rest.popFirst() else {
                FileHandle.standardError.write(Data("cascade-bench lsp: unknown argument '\(argument)'; usage: cascade-bench lsp [--binary PATH]\n".utf8))
                return 2
            }
            binary = path
        }
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            FileHandle.standardError.write(Data("cascade-bench lsp: no executable at \(binary); run 'swift build -c release' first or pass --binary PATH\n".utf8))
            return 2
        }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-bench-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: home) }
        do {
            let model = try FakeModelServer.openAI(FakeOpenAIBehaviour(models: ["bench-model"])) { call in
                call.prompt.contains("tests for `") ? tests : solution
            }
            defer { model.stop() }
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let config: JSONValue = [
                "tiers": [[
                    "name": "small", "endpoint": .string(model.endpoint), "model": "bench-model", "api": "chat",
                    "price": ["inputPerMillion": 1, "outputPerMillion": 2], "samples": 1, "testLines": 1,
                ]],
                "execution": ["sandbox": "auto"],
            ]
            let configPath = home.appendingPathComponent("config.json").path
            try Data(config.serialized()).write(to: URL(fileURLWithPath: configPath))
            // The server inherits this environment.
            setenv("CASCADE_CONFIG", configPath, 1)
            setenv("CASCADE_HOME", home.path, 1)
            print("cascade-bench lsp: \(binary), fake model at \(model.endpoint)")
            try await runLSPBenchmark(binary: binary)
            return 0
        } catch {
            FileHandle.standardError.write(Data("cascade-bench lsp: \(error)\n".utf8))
            return 1
        }
    }
}
