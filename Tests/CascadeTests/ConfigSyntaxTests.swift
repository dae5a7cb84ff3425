import Cascade
import Foundation
import Testing

private func failure(_ json: String) -> ConfigError? {
    do { _ = try ConfigLoader.decode(Data(json.utf8), source: "test.json"); return nil } catch { return error }
}

@Suite(.timeLimit(.minutes(1)))
struct ConfigSyntaxTests {
    @Test func aTrailingCommaInAnObjectIsAnErrorNamingTheLine() {
        let error = failure("{\n  \"tiers\": [{\"name\": \"s\", \"endpoint\": \"local\", \"model\": \"m\",}]\n}")
        #expect(error?.message.hasPrefix("is not valid JSON (line 2, column ") == true, "\(String(describing: error))")
        #expect(error?.message.contains("trailing comma before '}'") == true, "\(String(describing: error))")
    }

    @Test func aTrailingCommaInAnArrayIsAnErrorNamingTheLine() {
        let error = failure("{\n  \"tiers\": [\n    {\"name\": \"s\", \"endpoint\": \"local\", \"model\": \"m\"},\n  ]\n}")
        #expect(error?.message.hasPrefix("is not valid JSON (line 3, column 53: trailing comma before ']'") == true, "\(String(describing: error))")
    }

    @Test func aDuplicateKeyIsAnErrorNamingTheKeyAndBothLines() {
        let error = failure("{\"tiers\": [{\"name\": \"s\", \"endpoint\": \"local\", \"model\": \"m\",\n  \"samples\": 2,\n  \"samples\": 5}]}")
        #expect(error?.keyPath == "tiers[0].samples")
        #expect(error?.message == "appears twice in the same object (lines 2 and 3)")
        #expect(error?.description.hasPrefix("test.json: tiers[0].samples: appears twice") == true)
        let topLevel = failure(#"{"tiers": [{"name": "s", "endpoint": "local", "model": "m"}], "scoring": "codet", "scoring": "paper"}"#)
        #expect(topLevel?.keyPath == "scoring")
    }

    @Test func otherSyntaxErrorsNameTheLineAndColumn() {
        #expect(failure("{\n  // small first\n  \"tiers\": []\n}")?.message.contains("line 2, column 3: comments are not allowed") == true)
        #expect(failure("{\"tiers\": [}")?.message.contains("line 1, column 12") == true)
        #expect(failure("")?.message.contains("empty") == true)
        #expect(failure("{\"tiers\": [] } x")?.message.contains("after the end") == true)
        #expect(failure("{\"tiers\": \"a\u{0}b\"}")?.message.contains("control character") == true)
        #expect(failure("{\"tiers\": [01]}")?.message.contains("must not start with 0") == true)
        #expect(failure(String(repeating: "[", count: 100_000))?.message.contains("nested deeper") == true)
        let invalidUTF8 = Data("{\"tiers\": [{\"name\": \"".utf8) + Data([0xFF, 0xFE]) + Data("\"}]}".utf8)
        #expect((try? ConfigLoader.decode(invalidUTF8, source: "x")) == nil)
    }

    @Test func validFilesStillParse() throws {
        let bom = Data([0xEF, 0xBB, 0xBF]) + Data(#"{"tiers": [{"name": "caf\u00e9 \ud83d\ude00", "endpoint": "local", "model": "m", "threshold": 1E-1, "samples": 2.0e0}]}"#.utf8)
        let config = try ConfigLoader.decode(bom, source: "bom.json")
        #expect(config.tiers[0].name == "café 😀")
        #expect(config.tiers[0].threshold == 0.1 && config.tiers[0].samples == 2)
    }

    @Test func aDirectoryGivenAsTheConfigSaysItIsADirectory() throws {
        let directory = NSTemporaryDirectory() + "cascade-config-dir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: ConfigError.self) {
            try ConfigLoader(explicitPath: directory, environment: [:], homeDirectory: directory).load()
        }
        #expect(error?.message == "is a directory, not a configuration file")
        #expect(error?.description.contains("NSCocoaErrorDomain") == false)
        #expect(error?.fix.contains(directory + "/.cascade.json") == true)
    }
}
