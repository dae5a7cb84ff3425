import Cascade
import Foundation
@testable import ModelClients
import Processes
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real 0.5B model through the managed llama.cpp server.
///
/// Runs when `cascade setup` has installed the models under `$CASCADE_HOME`; skipped
/// loudly otherwise, except with `CASCADE_E2E=1` (CI), where missing models are a failure.
enum LocalModelsAvailability {
    static let home = CascadeHome()
    static let required = ProcessInfo.processInfo.environment["CASCADE_E2E"] == "1"
    static let installed = home.modelIsComplete(LocalModelCatalog.qwen05b)
        && FileManager.default.isExecutableFile(atPath: home.venvPython)

    /// Run the tests when installed, or when required (then they fail on the missing models).
    static var enabled: Bool {
        if !installed && !required {
            FileHandle.standardError.write(Data("""
            ⚠️  SKIPPED LocalModelEndToEndTests: no local models in \(home.root) \
            (run `swift run -c release cascade setup`, or set CASCADE_E2E=1 to make this a failure)\n
            """.utf8))
        }
        return installed || required
    }
}

@Suite(.enabled(if: LocalModelsAvailability.enabled, "local models not installed: run `swift run -c release cascade setup`"),
       .timeLimit(.minutes(3)), .serialized)
struct LocalModelEndToEndTests {
    @Test func aRealChatRequestThroughTheManagedServerReturnsTokensAndUsage() async throws {
        try #require(LocalModelsAvailability.installed,
                     "CASCADE_E2E=1 but \(LocalModelsAvailability.home.root) lacks the models: run `swift run -c release cascade setup` first")
        let manager = LocalServerManager()
        let provider = ModelProvider(localServers: manager)
        let tier = TierConfig(name: "small", endpoint: "local", model: LocalModelDefaults.smallModel, samples: 2, maxTokens: 48, timeoutSeconds: 120)
        let model = try await provider.model(for: tier)
        let result = try await model.generate(GenerationRequest(
            prompt: Prompt(messages: [
                ChatMessage(role: .system, content: "You write Python code."),
                ChatMessage(role: .user, content: "Write a Python function add(a, b) that returns a + b. Only the code."),
            ], text: ""),
            samples: 2, temperature: 0.7, maxTokens: 48, stop: ["\n```\n"]))
        #expect(result.texts.count == 2)
        #expect(result.texts.allSatisfy { $0.contains("def add") || $0.contains("return") })
        // Streamed, and llama-cpp-python sends no usage in streams: chunks are counted.
        #expect(result.usageEstimated)
        #expect(result.promptTokens > 20)
        #expect(result.completionTokens > 5)
        let servers = await manager.running
        #expect(servers.map(\.model) == [LocalModelDefaults.smallModel])
        let pid = try #require(servers.first?.pid)
        await manager.stopAll()
        #expect(kill(pid, 0) != 0, "the server's group is gone after stopAll")
    }

    @Test func twoManagersRunTheirOwnServersOnDifferentPorts() async throws {
        try #require(LocalModelsAvailability.installed, "models missing: run `swift run -c release cascade setup`")
        let first = LocalServerManager(), second = LocalServerManager()
        async let a = first.server(forModel: LocalModelDefaults.smallModel)
        async let b = second.server(forModel: LocalModelDefaults.smallModel)
        let (one, two) = try await (a, b)
        #expect(one.port != two.port)
        #expect(one.pid != two.pid)
        // Reused, not restarted, on the next request.
        #expect(try await first.server(forModel: LocalModelDefaults.smallModel) == one)
        await first.stopAll()
        await second.stopAll()
    }
}

/// The supervisor that kills a server when Cascade dies (no model needed).
@Suite(.timeLimit(.minutes(1)))
struct LocalServerSupervisorTests {
    @Test func closingOurEndOfStdinKillsTheSupervisedChild() async throws {
        let python = try #require(ProcessRunner.which("python3"))
        let marker = NSTemporaryDirectory() + "cascade-supervised-\(UUID().uuidString).pid"
        let supervisor = try ChildProcess.launch(LaunchConfiguration(
            executable: .path(python),
            arguments: ["-c", LocalServerManager.supervisorScript, "/bin/sh", "-c", "echo $$ > \(marker); exec sleep 300"],
            environment: .inherit(), standardInput: .pipe))
        while (try? String(contentsOfFile: marker, encoding: .utf8))?.hasSuffix("\n") != true {
            try await Task.sleep(for: .milliseconds(20))
        }
        let sleeper = try #require(Int32((try String(contentsOfFile: marker, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(sleeper, 0) == 0)
        supervisor.closeStandardInput()  // what the kernel does when Cascade dies, even by SIGKILL
        _ = await supervisor.waitForExit()  // returns: the supervisor ended on EOF
        // The sleeper was the supervisor's child; once reaped it no longer exists.
        let deadline = Date().addingTimeInterval(5)
        while kill(sleeper, 0) == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(kill(sleeper, 0) != 0)
    }

    @Test func aMissingModelSaysToRunSetup() async throws {
        let manager = LocalServerManager(settings: .init(home: CascadeHome(root: "/nonexistent/cascade")))
        let error = await #expect(throws: LocalServerError.self) { try await manager.endpoint(forModel: LocalModelDefaults.smallModel) }
        #expect(error?.description.contains("swift run -c release cascade setup") == true)
        let provider = ModelProvider(localServers: manager)
        let modelError = await #expect(throws: ModelError.self) {
            try await provider.model(for: TierConfig(name: "small", endpoint: "local", model: LocalModelDefaults.smallModel))
        }
        #expect(modelError?.description.hasPrefix("tier small") == true)
    }
}
