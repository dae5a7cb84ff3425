import Cascade
import Foundation
import Testing

private func decode(_ json: String) throws(ConfigError) -> CascadeConfig {
    try ConfigLoader.decode(Data(json.utf8), source: "test.json")
}

private func failure(_ json: String) -> ConfigError? {
    do { _ = try decode(json); return nil } catch { return error }
}

private let minimalTier = #"{"name": "small", "endpoint": "http://127.0.0.1:8012/v1", "model": "m"}"#

@Suite(.timeLimit(.minutes(1)))
struct ConfigValidationTests {
    @Test func theDesignExampleDecodesExactly() throws {
        let config = try decode("""
        {
          "tiers": [
            { "name": "small", "endpoint": "http://127.0.0.1:8012/v1", "model": "qwen2.5-coder-0.5b-instruct",
              "api": "chat", "apiKeyEnv": "OPENAI_API_KEY",
              "price": { "inputPerMillion": 0.0, "outputPerMillion": 0.05 },
              "samples": 3, "testLines": 4, "threshold": 1.0, "temperature": 0.8, "maxTokens": 512, "timeoutSeconds": 120 }
          ],
          "execution": { "testTimeoutSeconds": 1, "runTimeoutSeconds": 10, "memoryMB": 512, "parallelism": 2, "sandbox": "auto" },
          "scoring": "codet",
          "budget": { "perRequestUSD": null, "perDayUSD": null }
        }
        """)
        #expect(config == CascadeConfig(tiers: [TierConfig(
            name: "small", endpoint: "http://127.0.0.1:8012/v1", model: "qwen2.5-coder-0.5b-instruct", api: .chat,
            apiKeyEnv: "OPENAI_API_KEY", price: Price(inputPerMillion: 0, outputPerMillion: 0.05), samples: 3, testLines: 4,
            threshold: 1.0, temperature: 0.8, maxTokens: 512, timeoutSeconds: 120)],
            execution: ExecutionConfig(parallelism: 2)))
    }

    @Test func omittedKeysGetDefaults() throws {
        let config = try decode(#"{"tiers": [\#(minimalTier), {"name": "big", "endpoint": "local", "model": "qwen2.5-coder-1.5b-instruct"}]}"#)
        let tier = config.tiers[0]
        #expect(tier.api == .chat && tier.samples == 3 && tier.testLines == 4 && tier.threshold == 0.5)
        #expect(tier.maxTokens == 512 && tier.timeoutSeconds == 120 && tier.price == Price() && tier.apiKeyEnv == nil)
        #expect(config.execution == ExecutionConfig() && config.scoring == .codet && config.budget == BudgetConfig())
        #expect(config.tiers[1].price == LocalModelDefaults.price(forModel: LocalModelDefaults.mediumModel))
        #expect(config.tiers[1].price.outputPerMillion > 0, "a local tier is priced from measured throughput")
    }

    @Test func unknownKeyIsNamedByItsPathWithASuggestion() {
        let error = failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "sampels": 3}]}"#)
        #expect(error?.keyPath == "tiers[0].sampels")
        #expect(error?.description.contains("did you mean \"samples\"") == true)
        #expect(error?.description.hasPrefix("test.json: tiers[0].sampels: unknown key") == true)
    }

    @Test func unknownTopLevelAndNestedKeysAreRejected() {
        #expect(failure(#"{"tiers": [\#(minimalTier)], "scorer": "codet"}"#)?.keyPath == "scorer")
        #expect(failure(#"{"tiers": [\#(minimalTier)], "execution": {"memoryMb": 3}}"#)?.keyPath == "execution.memoryMb")
        #expect(failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "price": {"output": 1}}]}"#)?.keyPath == "tiers[0].price.output")
    }

    @Test func wrongTypesNameTheKeyAndTheExpectedType() {
        let samples = failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "samples": "3"}]}"#)
        #expect(samples?.keyPath == "tiers[0].samples")
        #expect(samples?.message.contains("expected a whole number, found the string \"3\"") == true)
        let boolean = failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "threshold": true}]}"#)
        #expect(boolean?.message == "expected a number, found a boolean")
        let fraction = failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "samples": 2.5}]}"#)
        #expect(fraction?.message.contains("whole number") == true)
        #expect(failure(#"{"tiers": {"name": "s"}}"#)?.message.contains("expected an array") == true)
        #expect(failure(#"{"tiers": [\#(minimalTier)], "scoring": "best"}"#)?.fix.contains("\"codet\", \"paper\"") == true)
        #expect(failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "api": "responses"}]}"#)?.keyPath == "tiers[0].api")
    }

    @Test func rangesAreChecked() {
        #expect(failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "samples": -1}]}"#)?.keyPath == "tiers[0].samples")
        #expect(failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "threshold": 1.5}]}"#)?.fix == "use a number from 0 to 1")
        #expect(failure(#"{"tiers": [\#(minimalTier)], "execution": {"parallelism": 0}}"#)?.keyPath == "execution.parallelism")
        #expect(failure(#"{"tiers": [\#(minimalTier)], "budget": {"perDayUSD": -2}}"#)?.keyPath == "budget.perDayUSD")
        #expect((try? decode(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "samples": 0}]}"#))?.tiers[0].samples == 0)
    }

    @Test func tiersMustExistBeNonEmptyAndUniquelyNamed() {
        #expect(failure(#"{}"#)?.keyPath == "tiers")
        #expect(failure(#"{"tiers": []}"#)?.message == "is empty")
        let duplicate = failure(#"{"tiers": [\#(minimalTier), \#(minimalTier)]}"#)
        #expect(duplicate?.keyPath == "tiers[1].name")
        #expect(failure(#"{"tiers": [{"name": "s", "model": "m"}]}"#)?.keyPath == "tiers[0].endpoint")
    }

    @Test func endpointAndApiKeyEnvAreChecked() {
        #expect(failure(#"{"tiers": [{"name": "s", "endpoint": "127.0.0.1:8012", "model": "m"}]}"#)?.keyPath == "tiers[0].endpoint")
        let key = failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m", "apiKeyEnv": "sk-abc123"}]}"#)
        #expect(key?.keyPath == "tiers[0].apiKeyEnv")
        #expect(key?.description.contains("abc123") == false, "a pasted key is not echoed back in full")
    }

    @Test func invalidJSONSaysSoWithTheFile() {
        let error = failure("{\"tiers\": [")
        #expect(error?.source == "test.json")
        #expect(error?.message.hasPrefix("is not valid JSON") == true)
    }

    @Test func decodesFromAnEncodableValueLikeInitializationOptions() throws {
        struct Options: Encodable { var tiers: [[String: String]] }
        let config = try ConfigLoader.decode(value: Options(tiers: [["name": "a", "endpoint": "local", "model": "m"]]))
        #expect(config.tiers.map(\.name) == ["a"])
        #expect(throws: ConfigError.self) { try ConfigLoader.decode(value: ["tiers": [["name": "a", "endpoint": "local", "model": "m", "x": "y"]]]) }
    }

    @Test func writtenConfigReadsBackIdentically() throws {
        let path = NSTemporaryDirectory() + "cascade-config-\(UUID().uuidString)/config.json"
        try ConfigLoader.write(LocalModelDefaults.config, to: path)
        #expect(try ConfigLoader.load(path: path) == LocalModelDefaults.config)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ConfigLookupTests {
    let root = NSTemporaryDirectory() + "cascade-lookup-\(UUID().uuidString)"

    private func write(_ relative: String, tierName: String) throws -> String {
        let path = (root as NSString).appendingPathComponent(relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(#"{"tiers": [{"name": "\#(tierName)", "endpoint": "local", "model": "m"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func loader(explicit: String? = nil, env: [String: String] = [:]) -> ConfigLoader {
        var environment = env
        environment["CASCADE_HOME"] = (root as NSString).appendingPathComponent("cascade-home")
        return ConfigLoader(explicitPath: explicit, workspaceRoot: (root as NSString).appendingPathComponent("ws"),
                            environment: environment, homeDirectory: (root as NSString).appendingPathComponent("home"))
    }

    @Test func followsTheLookupOrder() throws {
        #expect(try loader().load().source == .builtIn)
        #expect(try loader().load().config == LocalModelDefaults.config)
        let setup = try write("cascade-home/config.json", tierName: "setup")
        #expect(try loader().load().source == .localSetup(setup))
        let user = try write("home/.config/cascade/config.json", tierName: "user")
        #expect(try loader().load().source == .user(user))
        let workspace = try write("ws/.cascade.json", tierName: "workspace")
        #expect(try loader().load().config.tiers[0].name == "workspace")
        #expect(try loader().load().source == .workspace(workspace))
        let environment = try write("env.json", tierName: "env")
        #expect(try loader(env: ["CASCADE_CONFIG": environment]).load().config.tiers[0].name == "env")
        let explicit = try write("explicit.json", tierName: "explicit")
        #expect(try loader(explicit: explicit, env: ["CASCADE_CONFIG": environment]).load().config.tiers[0].name == "explicit")
    }

    @Test func aNamedFileThatIsMissingIsAnErrorNotAFallThrough() {
        #expect(throws: ConfigError.self) { try loader(explicit: root + "/nope.json").load() }
        #expect(throws: ConfigError.self) { try loader(env: ["CASCADE_CONFIG": root + "/nope.json"]).load() }
    }

    @Test func cascadeHomeDefaultsUnderTheCache() {
        #expect(ConfigLoader.cascadeHome(environment: [:], homeDirectory: "/home/u") == "/home/u/.cache/cascade")
        #expect(ConfigLoader.cascadeHome(environment: ["CASCADE_HOME": "/x"], homeDirectory: "/home/u") == "/x")
    }
}
