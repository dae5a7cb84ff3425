import Cascade
import Foundation
import Testing

private func failure(_ json: String) -> ConfigError? {
    do { _ = try ConfigLoader.decode(Data(json.utf8), source: "test.json"); return nil } catch { return error }
}

/// A tier whose `key` is set to the JSON text `value` (replacing the default of a required key).
private func tier(_ key: String, _ value: String) -> String {
    var fields = [("name", #""s""#), ("endpoint", #""local""#), ("model", #""m""#)].filter { $0.0 != key }
    fields.append((key, value))
    return #"{"tiers": [{"# + fields.map { #""\#($0.0)": \#($0.1)"# }.joined(separator: ", ") + "}]}"
}

/// Every integer key with its key path, where it goes in a file, and the range the error must name.
private let integerKeys: [(path: String, json: @Sendable (String) -> String, range: String)] = [
    ("tiers[0].samples", { tier("samples", $0) }, "from 0"),
    ("tiers[0].testSamples", { tier("testSamples", $0) }, "from 0 to 64"),
    ("tiers[0].testLines", { tier("testLines", $0) }, "from 0 to 64"),
    ("tiers[0].maxTokens", { tier("maxTokens", $0) }, "from 1 to 1000000"),
    ("execution.memoryMB", { #"{"tiers": [{"name": "s", "endpoint": "local", "model": "m"}], "execution": {"memoryMB": \#($0)}}"# }, "from 16 to 1048576"),
    ("execution.parallelism", { #"{"tiers": [{"name": "s", "endpoint": "local", "model": "m"}], "execution": {"parallelism": \#($0)}}"# }, "from 1 to 256"),
]

/// Every non-integer number key, likewise.
private let numberKeys: [(path: String, json: @Sendable (String) -> String, range: String)] = [
    ("tiers[0].threshold", { tier("threshold", $0) }, "from 0 to 1"),
    ("tiers[0].temperature", { tier("temperature", $0) }, "from 0 to 2"),
    ("tiers[0].timeoutSeconds", { tier("timeoutSeconds", $0) }, "from 0.001 to 86400"),
    ("tiers[0].price.inputPerMillion", { tier("price", #"{"inputPerMillion": \#($0)}"#) }, "from 0 to 1000000"),
    ("tiers[0].price.outputPerMillion", { tier("price", #"{"outputPerMillion": \#($0)}"#) }, "from 0 to 1000000"),
    ("execution.testTimeoutSeconds", { #"{"tiers": [{"name": "s", "endpoint": "local", "model": "m"}], "execution": {"testTimeoutSeconds": \#($0)}}"# }, "from 0.001 to 3600"),
    ("execution.runTimeoutSeconds", { #"{"tiers": [{"name": "s", "endpoint": "local", "model": "m"}], "execution": {"runTimeoutSeconds": \#($0)}}"# }, "from 0.001 to 86400"),
    ("budget.perRequestUSD", { #"{"tiers": [{"name": "s", "endpoint": "local", "model": "m"}], "budget": {"perRequestUSD": \#($0)}}"# }, "from 0 to 1000000"),
    ("budget.perDayUSD", { #"{"tiers": [{"name": "s", "endpoint": "local", "model": "m"}], "budget": {"perDayUSD": \#($0)}}"# }, "from 0 to 1000000"),
]

/// Numbers no key accepts: past Int, past Int64, past Double (1e400 reads as infinity).
private let hugeNumbers = ["1e19", "-1e19", "9223372036854775808", "1e300", "-1e300", "1e400", "-1e400"]

@Suite(.timeLimit(.minutes(1)))
struct ConfigNumberTests {
    @Test func hugeNumbersForEveryIntegerKeyAreOutOfRangeErrorsNamingTheKeyAndTheRange() {
        for key in integerKeys {
            for number in hugeNumbers {
                let error = failure(key.json(number))
                #expect(error?.keyPath == key.path, "\(key.path) = \(number)")
                #expect(error?.message.contains("out of range") == true, "\(key.path) = \(number): \(String(describing: error))")
                #expect(error?.fix.contains(key.range) == true, "\(key.path) = \(number): \(String(describing: error))")
            }
        }
    }

    @Test func aFractionForAnIntegerKeyAsksForAWholeNumberInRange() {
        for key in integerKeys {
            let error = failure(key.json("2.5"))
            #expect(error?.keyPath == key.path)
            #expect(error?.message == "expected a whole number, found the number 2.5")
            #expect(error?.fix.contains(key.range) == true, "\(String(describing: error))")
        }
        #expect(failure(tier("samples", "1e19"))?.message == "1e+19 is out of range")
        #expect(failure(tier("samples", "1e400"))?.message == "a number too large to represent is out of range")
    }

    @Test func hugeNumbersForEveryNumberKeyAreOutOfRangeErrorsNamingTheKeyAndTheRange() {
        for key in numberKeys {
            for number in hugeNumbers {
                let error = failure(key.json(number))
                #expect(error?.keyPath == key.path, "\(key.path) = \(number)")
                #expect(error?.message.contains("out of range") == true, "\(key.path) = \(number): \(String(describing: error))")
                #expect(error?.fix.contains(key.range) == true, "\(key.path) = \(number): \(String(describing: error))")
            }
        }
    }

    @Test func aHugeNumberWhereAStringBelongsIsATypeError() {
        for key in ["name", "endpoint", "model", "api", "apiKeyEnv"] {
            for number in hugeNumbers {
                let error = failure(tier(key, number))
                #expect(error?.keyPath == "tiers[0].\(key)", "\(key) = \(number)")
                #expect(error?.message.hasPrefix("expected") == true, "\(key) = \(number): \(String(describing: error))")
            }
        }
        #expect(failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": 1e19}]}"#)?.message == "expected a string, found the number 1e+19")
        #expect(failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m"}], "scoring": -1e300}"#)?.keyPath == "scoring")
    }

    @Test func aHugeNumberInAFileIsAnErrorNamingTheKey() throws {
        let path = NSTemporaryDirectory() + "cascade-huge-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(tier("model", "1e19").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigError(source: path, keyPath: "tiers[0].model", message: "expected a string, found the number 1e+19", fix: "write it in double quotes")) {
            try ConfigLoader(explicitPath: path, environment: [:], homeDirectory: NSTemporaryDirectory()).load()
        }
        try Data(tier("samples", "1e300").utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ConfigError.self) { try ConfigLoader.load(path: path) }
        #expect(error?.description == "\(path): tiers[0].samples: 1e+300 is out of range — use a whole number from 0 (one greedy answer, no tests) to 64")
    }

    /// `initializationOptions` arrive as values, not text: Doubles, including ±infinity
    /// (what the JSON-RPC parser makes of 1e400).
    @Test func hugeNumbersInAValueLikeInitializationOptionsAreErrorsNamingTheKey() {
        struct Tier: Encodable {
            var name = "s", endpoint = "local", model = "m"
            var samples: Double?
            var threshold: Double?
        }
        struct Options: Encodable { var tiers: [Tier] }
        for number in [1e19, -1e19, 1e300, .infinity, -.infinity, 2.5] {
            #expect(throws: ConfigError.self, "samples = \(number)") {
                try ConfigLoader.decode(value: Options(tiers: [Tier(samples: number)]))
            }
            do {
                _ = try ConfigLoader.decode(value: Options(tiers: [Tier(threshold: number)]))
                Issue.record("threshold = \(number) was accepted")
            } catch {
                #expect(error.source == "initializationOptions")
                #expect(error.keyPath == "tiers[0].threshold")
                #expect(error.fix == "use a number from 0 to 1")
            }
        }
    }
}
