import Cascade
import Foundation
import ModelClients
import Testing
import TestSupport

@Suite(.timeLimit(.minutes(1)))
struct DoctorTests {
    let emptyHome = CascadeHome(root: NSTemporaryDirectory() + "cascade-doctor-\(UUID().uuidString)")

    private func doctor(_ config: CascadeConfig) -> Doctor {
        Doctor(config: config, configSource: "test", home: emptyHome,
               provider: ModelProvider(localServers: LocalServerManager(settings: .init(home: emptyHome)),
                                       retry: RetryPolicy(maxAttempts: 1)))
    }

    @Test func withoutSetupItSaysExactlyWhatToRun() async {
        let report = await doctor(LocalModelDefaults.config).run()
        #expect(!report.allOK)
        let failed = report.checks.filter { !$0.ok }.map(\.name)
        #expect(failed == ["local venv", "model qwen2.5-coder-0.5b-instruct", "model qwen2.5-coder-1.5b-instruct", "tier small", "tier medium"])
        #expect(report.checks.filter { !$0.ok }.allSatisfy { $0.fix?.contains("swift run -c release cascade setup") == true })
        #expect(report.rendered.contains("→ run `swift run -c release cascade setup`"))
    }

    @Test func aReachableTierPassesWithItsLatencyAndADeadOneFails() async throws {
        let server = try FakeModelServer.openAI { _ in "OK" }
        let dead = try FakeModelServer { _ in .status(200) }
        let deadEndpoint = dead.endpoint
        dead.stop()
        let config = CascadeConfig(tiers: [
            TierConfig(name: "up", endpoint: server.endpoint, model: "fake-model"),
            TierConfig(name: "down", endpoint: deadEndpoint, model: "fake-model"),
        ])
        let report = await doctor(config).run()
        let up = try #require(report.checks.first { $0.name == "tier up" })
        #expect(up.ok)
        #expect(up.detail.contains("one-token call in"))
        #expect(server.modelCalls.last?.maxTokens == 1)
        let down = try #require(report.checks.first { $0.name == "tier down" })
        #expect(!down.ok)
        #expect(down.detail.contains("nothing listens at \(deadEndpoint)"))
        #expect(down.fix == "start it or run `cascade doctor`")
        // Local files are not needed by this config, so they do not fail the report.
        #expect(report.checks.filter { $0.name.hasPrefix("model ") || $0.name == "local venv" }.allSatisfy { $0.ok })
        #expect(!report.allOK)
    }

    @Test func aModelTheServerDoesNotListFails() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(models: ["other"])) { _ in "OK" }
        let report = await doctor(CascadeConfig(tiers: [TierConfig(name: "t", endpoint: server.endpoint, model: "fake-model")])).run()
        let check = try #require(report.checks.first { $0.name == "tier t" })
        #expect(!check.ok)
        #expect(check.detail.contains("lists other"))
    }
}
