import Foundation
import Testing
import TestSupport

/// `cascade` as a user runs it: bad input gets one or two lines on stderr that say what is
/// wrong and what to do, exit code 2 (usage, config) or 1 (runtime), never a trace.
// Three minutes: replaying the committed recording in a debug build takes ~18 s alone, several times that beside the other suites.
@Suite(.timeLimit(.minutes(3)))
struct CommandLineErrorTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Outcome {
        var status: Int32
        var stderr: String
        var stdout = ""
    }

    let directory = NSTemporaryDirectory() + "cascade-cli-\(UUID().uuidString)"

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "x = 1\n\ndef f(a):\n    \"\"\"Return a.\"\"\"\n".write(toFile: directory + "/f.py", atomically: true, encoding: .utf8)
    }

    func cascade(_ arguments: [String]) async throws -> Outcome {
        let binary = try BuiltCascade.path(packageRoot: Self.packageRoot)
        // An empty CASCADE_HOME and config lookup: nothing from this machine leaks in.
        let outcome = try await ChildCommand.run("/usr/bin/env", [
            "CASCADE_HOME=\(directory)/home", "HOME=\(directory)", "CASCADE_CONFIG=", binary,
        ] + arguments)
        return Outcome(status: outcome.status, stderr: outcome.standardError, stdout: outcome.standardOutput)
    }

    /// One or two short lines, no Swift trace.
    func expectClear(_ outcome: Outcome, status: Int32, mentions words: [String]) {
        #expect(outcome.status == status)
        let lines = outcome.stderr.split(separator: "\n")
        #expect((1...2).contains(lines.count), "stderr: \(outcome.stderr)")
        #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("Stack dump"))
        for word in words { #expect(outcome.stderr.contains(word), "stderr: \(outcome.stderr)") }
    }

    @Test func aFileThatDoesNotExist() async throws {
        expectClear(try await cascade(["complete", directory + "/missing.py:3"]), status: 2, mentions: ["cannot read", "missing.py"])
    }

    @Test func aLineThatDoesNotExist() async throws {
        expectClear(try await cascade(["complete", directory + "/f.py:99"]), status: 2, mentions: ["line 99 does not exist"])
    }

    @Test func aLineWithNoFunction() async throws {
        expectClear(try await cascade(["complete", directory + "/f.py:1"]), status: 2, mentions: ["not inside a function"])
    }

    @Test func anUnreadableConfig() async throws {
        try "{\"tiers\": [".write(toFile: directory + "/bad.json", atomically: true, encoding: .utf8)
        expectClear(try await cascade(["complete", "--config", directory + "/bad.json", directory + "/f.py:3"]),
                    status: 2, mentions: ["bad.json", "JSON"])
    }

    @Test func anUnknownConfigKeyIsNamed() async throws {
        try #"{"tiers": [{"name": "x", "endpoint": "http://127.0.0.1:9/v1", "model": "m", "sampels": 2}]}"#
            .write(toFile: directory + "/typo.json", atomically: true, encoding: .utf8)
        expectClear(try await cascade(["complete", "--config", directory + "/typo.json", directory + "/f.py:3"]),
                    status: 2, mentions: ["sampels"])
    }

    @Test func anUnreachableTierSaysWhatToDo() async throws {
        try #"{"tiers": [{"name": "x", "endpoint": "http://127.0.0.1:9/v1", "model": "m"}]}"#
            .write(toFile: directory + "/unreachable.json", atomically: true, encoding: .utf8)
        let outcome = try await cascade(["complete", "--config", directory + "/unreachable.json", directory + "/f.py:3"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("nothing listens at http://127.0.0.1:9/v1"), "stderr: \(outcome.stderr)")
        #expect(!outcome.stderr.contains("Fatal error"))
    }

    @Test func badUsage() async throws {
        expectClear(try await cascade(["complete", "f.py"]), status: 2, mentions: ["FILE:LINE"])
        expectClear(try await cascade(["frobnicate"]), status: 2, mentions: ["unknown command"])
        expectClear(try await cascade(["complete", "--jsn", "f.py:1"]), status: 2, mentions: ["--jsn"])
    }

    /// The committed recording of the local default, copied so a run cannot change it.
    func copyOfTheCommittedRecording() throws -> String {
        let source = Self.packageRoot.appendingPathComponent("Tests/EvaluationTests/Recordings/humaneval-local").path
        let copy = directory + "/recording"
        try FileManager.default.copyItem(atPath: source, toPath: copy)
        return copy
    }

    @Test func tuneWithoutARecording() async throws {
        expectClear(try await cascade(["tune"]), status: 2, mentions: ["--replay DIR", "cascade eval --record"])
        expectClear(try await cascade(["tune", "--replay", directory]), status: 2, mentions: ["config.json", "--config"])
        expectClear(try await cascade(["tune", "--replay", directory + "/nowhere"]), status: 2,
                    mentions: ["no recording at \(directory)/nowhere", "check the path"])
        expectClear(try await cascade(["eval", "--replay", directory + "/nowhere"]), status: 2,
                    mentions: ["no recording at \(directory)/nowhere", "--record"])
        expectClear(try await cascade(["tune", "--replay", directory, "--seed", "-5"]), status: 2,
                    mentions: ["--seed takes a whole number of 0 or more, not '-5'"])
    }

    @Test func aReplayThatDoesNotMatchTheConfigNamesTheMissingTier() async throws {
        let recording = try copyOfTheCommittedRecording()
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recording + "/config.json"))) as! [String: Any]
        var tiers = config["tiers"] as! [[String: Any]]
        tiers[1]["name"] = "large"
        tiers[1]["model"] = "qwen2.5-coder-7b-instruct"
        config["tiers"] = tiers
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: directory + "/other.json"))
        for command in ["eval", "tune"] {
            expectClear(try await cascade([command, "--replay", recording, "--config", directory + "/other.json"]),
                        status: 2, mentions: ["tier large", "qwen2.5-coder-7b-instruct", "config it was recorded with"])
        }
    }

    @Test(arguments: [
        ("eval", ["--record DIR", "--replay DIR", "--problems FILE", "--json"], ["--budget", "FILE:LINE"]),
        ("tune", ["--replay DIR", "--budget USD", "--seed N"], ["--limit", "--json"]),
        ("complete", ["FILE:LINE", "--config FILE", "--json"], ["--budget", "--replay"]),
    ])
    func eachCommandsHelpShowsItsOwnOptions(command: String, shown: [String], notShown: [String]) async throws {
        let outcome = try await cascade([command, "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.hasPrefix("usage: cascade \(command) "), "\(outcome.stdout)")
        for word in shown { #expect(outcome.stdout.contains(word), "\(command) --help lacks \(word):\n\(outcome.stdout)") }
        for word in notShown { #expect(!outcome.stdout.contains(word), "\(command) --help shows \(word):\n\(outcome.stdout)") }
    }

    @Test func anUnknownOptionListsTheCommandsOptions() async throws {
        expectClear(try await cascade(["tune", "--record", "x"]), status: 2,
                    mentions: ["unknown option --record", "--replay DIR", "--budget USD", "cascade tune --help"])
    }

    @Test func tuneOnTheCommittedRecordingWritesAConfigThatLoads() async throws {
        let recording = try copyOfTheCommittedRecording()
        // The first six problems keep this test quick; the whole recording is the README's job.
        let problems = try String(contentsOfFile: recording + "/problems.jsonl", encoding: .utf8)
            .split(separator: "\n").prefix(6).joined(separator: "\n") + "\n"
        try problems.write(toFile: directory + "/six.jsonl", atomically: true, encoding: .utf8)
        let outcome = try await cascade([
            "tune", "--replay", recording, "--problems", directory + "/six.jsonl", "--out", directory + "/tuned.json",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("Pareto front on the validation split"))
        #expect(outcome.stdout.contains("| tier:medium |") && outcome.stdout.contains("| oracle |"))
        #expect(outcome.stdout.contains("on 20 seeded splits the same rule chose"), "tune says how far its split can be trusted")
        let unaffordable = try await cascade([
            "tune", "--replay", recording, "--problems", directory + "/six.jsonl", "--budget", "0.0000001", "--out", directory + "/none.json",
        ])
        #expect(unaffordable.status == 1)
        #expect(unaffordable.stderr.contains("no policy costs $0.0000001 per problem or less"), "stderr: \(unaffordable.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/none.json"))
        let check = try await cascade([
            "eval", "--replay", recording, "--problems", directory + "/six.jsonl", "--config", directory + "/tuned.json", "--json",
        ])
        #expect(check.status == 0, "the tuned config replays from the same recording: \(check.stderr)")
        #expect(check.stdout.contains("\"name\" : \"cascade\"") || check.stdout.contains("\"name\": \"cascade\""))
    }

    // MARK: Bad input that used to crash or mislead

    @Test func aCRLFFileCountsItsLinesAndFindsTheFunction() async throws {
        try "x = 1\r\n\r\ndef f(a):\r\n    \"\"\"Return a.\"\"\"\r\n".write(toFile: directory + "/crlf.py", atomically: true, encoding: .utf8)
        expectClear(try await cascade(["complete", directory + "/crlf.py:99"]), status: 2, mentions: ["has 5 lines; line 99 does not exist"])
        try #"{"tiers": [{"name": "x", "endpoint": "http://127.0.0.1:9/v1", "model": "m"}]}"#
            .write(toFile: directory + "/unreachable.json", atomically: true, encoding: .utf8)
        // Line 3 is `def f(a):`: found, so the cascade runs (and meets the unreachable tier).
        let outcome = try await cascade(["complete", "--config", directory + "/unreachable.json", directory + "/crlf.py:3"])
        #expect(outcome.status == 1, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.contains("nothing listens at http://127.0.0.1:9/v1"), "stderr: \(outcome.stderr)")
    }

    @Test func aHugeNumberInTheConfigIsAnErrorNotACrash() async throws {
        for (key, number) in [("samples", "1e19"), ("maxTokens", "-1e300"), ("testLines", "2.5"), ("threshold", "1e400")] {
            try #"{"tiers": [{"name": "x", "endpoint": "http://127.0.0.1:9/v1", "model": "m", "\#(key)": \#(number)}]}"#
                .write(toFile: directory + "/huge.json", atomically: true, encoding: .utf8)
            expectClear(try await cascade(["complete", "--config", directory + "/huge.json", directory + "/f.py:3"]),
                        status: 2, mentions: ["huge.json: tiers[0].\(key)", "from "])
        }
        try #"{"tiers": [{"name": "x", "endpoint": "http://127.0.0.1:9/v1", "model": 1e19}]}"#
            .write(toFile: directory + "/huge.json", atomically: true, encoding: .utf8)
        expectClear(try await cascade(["complete", "--config", directory + "/huge.json", directory + "/f.py:3"]),
                    status: 2, mentions: ["tiers[0].model: expected a string, found the number 1e+19"])
    }

    @Test func aTrailingCommaOrADuplicateKeyInTheConfigIsNamed() async throws {
        try "{\"tiers\": [\n  {\"name\": \"x\", \"endpoint\": \"http://127.0.0.1:9/v1\", \"model\": \"m\"},\n]}"
            .write(toFile: directory + "/comma.json", atomically: true, encoding: .utf8)
        expectClear(try await cascade(["complete", "--config", directory + "/comma.json", directory + "/f.py:3"]),
                    status: 2, mentions: ["comma.json", "line 2", "trailing comma before ']'"])
        try "{\"tiers\": [{\"name\": \"x\", \"endpoint\": \"http://127.0.0.1:9/v1\", \"model\": \"m\",\n  \"samples\": 2, \"samples\": 4}]}"
            .write(toFile: directory + "/twice.json", atomically: true, encoding: .utf8)
        expectClear(try await cascade(["complete", "--config", directory + "/twice.json", directory + "/f.py:3"]),
                    status: 2, mentions: ["twice.json: tiers[0].samples: appears twice in the same object (lines 2 and 2)"])
    }

    @Test func aDirectoryGivenAsTheConfigIsNamedAsADirectory() async throws {
        let outcome = try await cascade(["complete", "--config", directory, directory + "/f.py:3"])
        expectClear(outcome, status: 2, mentions: ["\(directory): is a directory, not a configuration file"])
        #expect(!outcome.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func aRecordingPathThatIsAFileIsNamedAsAFile() async throws {
        try "{}\n".write(toFile: directory + "/problems.jsonl", atomically: true, encoding: .utf8)
        let record = try await cascade(["eval", "--record", directory + "/f.py", "--problems", directory + "/problems.jsonl"])
        expectClear(record, status: 2, mentions: ["--record \(directory)/f.py is a file, not a directory", "give a directory"])
        #expect(!record.stderr.contains("NSCocoaErrorDomain") && !record.stderr.contains("Error Domain"))
        expectClear(try await cascade(["tune", "--replay", directory + "/f.py"]), status: 2,
                    mentions: ["--replay \(directory)/f.py is a file, not a directory"])
    }

    @Test func tuneRejectsABudgetThatIsNotAFiniteNonNegativeNumberBeforeReplaying() async throws {
        for budget in ["nan", "NaN", "inf", "-inf", "infinity", "1e999"] {
            expectClear(try await cascade(["tune", "--replay", directory + "/nowhere", "--budget", budget]), status: 2,
                        mentions: ["--budget takes a finite number such as 0.002, not '\(budget)'"])
        }
        expectClear(try await cascade(["tune", "--replay", directory + "/nowhere", "--budget", "-1"]), status: 2,
                    mentions: ["--budget is US dollars per problem and cannot be negative (got -1.0)"])
        expectClear(try await cascade(["tune", "--replay", directory + "/nowhere", "--budget=-0.5"]), status: 2,
                    mentions: ["cannot be negative"])
    }

    @Test func doctorWithoutSetupSaysWhatToRun() async throws {
        let outcome = try await cascade(["doctor"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("cascade setup"), "stdout: \(outcome.stdout)")
    }
}
