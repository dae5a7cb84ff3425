import Cascade
import Foundation
import ModelClients
import Testing

/// Measures the local models (prints, asserts only sanity): `CASCADE_MEASURE=1`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CASCADE_MEASURE"] == "1" && LocalModelsAvailability.installed,
                "set CASCADE_MEASURE=1 (with the models installed) to measure local throughput"),
       .timeLimit(.minutes(10)), .serialized)
struct LocalModelThroughputTests {
    @Test(arguments: [LocalModelDefaults.smallModel, LocalModelDefaults.mediumModel])
    func measure(model: String) async throws {
        let manager = LocalServerManager()
        defer { Task { await manager.stopAll() } }
        let loadStarted = Date()
        let endpoint = try await manager.endpoint(forModel: model)
        let load = Date().timeIntervalSince(loadStarted)
        let chat = OpenAIClient(tier: TierConfig(name: "m", endpoint: endpoint, model: model, api: .chat, timeoutSeconds: 300), options: .localServer)
        let raw = OpenAIClient(tier: TierConfig(name: "m", endpoint: endpoint, model: model, api: .completions, timeoutSeconds: 300), options: .localServer)
        func time(_ client: OpenAIClient, _ prompt: Prompt, maxTokens: Int) async throws -> (Double, GenerationResult) {
            let started = Date()
            let result = try await client.generate(GenerationRequest(prompt: prompt, samples: 1, temperature: 0, maxTokens: maxTokens))
            return (Date().timeIntervalSince(started), result)
        }
        var promptRates: [Double] = [], generationRates: [Double] = [], firstToken: [Double] = []
        for round in 0..<3 {
            // A unique long prompt (no prompt-cache hits), one output token: prompt throughput.
            let body = (0..<40).map { "    total_\(round)_\($0) = values[\($0)] * \(round + $0) + offset" }.joined(separator: "\n")
            let (promptTime, promptResult) = try await time(raw, Prompt(messages: [], text: "# run \(UUID())\ndef f(values, offset):\n\(body)\n"), maxTokens: 1)
            promptRates.append(Double(promptResult.promptTokens) / promptTime)
            // A short unique chat prompt, one token: first-token latency as an editor sees it.
            let (latency, _) = try await time(chat, Prompt(messages: [ChatMessage(role: .user, content: "Write is_even(n) in Python. #\(UUID())")], text: ""), maxTokens: 1)
            firstToken.append(latency)
            // 200 tokens of generation after a short prompt.
            let (genTime, genResult) = try await time(raw, Prompt(messages: [], text: "# \(UUID())\n# A long Python module of numbered helper functions\ndef helper_1():\n    return 1\n\ndef helper_2():\n"), maxTokens: 200)
            let promptShare = Double(genResult.promptTokens) / (promptRates.last ?? 200)
            generationRates.append(Double(genResult.completionTokens) / max(0.001, genTime - promptShare))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let line = String(format: "MEASURE %@: load %.1f s, prompt %.0f tok/s, generation %.1f tok/s, first token (chat, 1 token) %.0f ms",
                          model, load, median(promptRates), median(generationRates), median(firstToken) * 1000)
        FileHandle.standardError.write(Data((line + "\n").utf8))
        print(line)
        #expect(median(generationRates) > 1)
        await manager.stopAll()
    }
}
