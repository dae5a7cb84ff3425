import Cascade
import Foundation
@testable import ModelClients
import Testing
import TestSupport

/// A runaway or hostile endpoint cannot fill the memory: past `maxResponseBytes` an answer
/// is cut off and the call fails, saying so.
@Suite(.timeLimit(.minutes(1)))
struct ResponseSizeTests {
    static let limit = 64 * 1024

    func tier(_ server: FakeModelServer) -> TierConfig {
        TierConfig(name: "small", endpoint: server.endpoint, model: "fake-model", api: .chat, timeoutSeconds: 20)
    }

    func request() -> GenerationRequest {
        GenerationRequest(prompt: Prompt(messages: [ChatMessage(role: .user, content: "hi")], text: "hi"),
                          samples: 1, temperature: 0, maxTokens: 16)
    }

    @Test func aWholeAnswerPastTheLimitFailsAndSaysWhy() async throws {
        // 1 MB of content in an otherwise valid answer.
        let content = String(repeating: "x", count: 1 << 20)
        let server = try FakeModelServer { _ in
            .json(#"{"choices":[{"index":0,"message":{"role":"assistant","content":"\#(content)"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#)
        }
        defer { server.stop() }
        let client = OpenAIClient(tier: tier(server), options: .init(streams: false, maxResponseBytes: Self.limit))
        let error = await #expect(throws: ModelError.self) { try await client.generate(request()) }
        #expect(error?.kind == .responseTooLarge(limit: Self.limit))
        #expect(error?.description.contains("larger than 65536 bytes") == true, "\(error.map(String.init(describing:)) ?? "")")
    }

    @Test func aStreamPastTheLimitFailsAndIsNotReadFurther() async throws {
        let chunk = #"{"choices":[{"index":0,"delta":{"content":"\#(String(repeating: "y", count: 4096))"}}]}"#
        let server = try FakeModelServer { _ in
            .eventStream(Array(repeating: StreamedEvent(data: chunk, isToken: true), count: 256) + [StreamedEvent(data: "[DONE]")])
        }
        defer { server.stop() }
        let client = OpenAIClient(tier: tier(server), options: .init(maxResponseBytes: Self.limit))
        let error = await #expect(throws: ModelError.self) { try await client.generate(request()) }
        #expect(error?.kind == .responseTooLarge(limit: Self.limit))
    }

    @Test func theDefaultLimitIs16MB() {
        #expect(OpenAIClient.Options().maxResponseBytes == 16 * 1024 * 1024)
    }
}
