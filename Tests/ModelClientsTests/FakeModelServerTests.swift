import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// The fake server itself, driven by plain URLSession.
@Suite(.timeLimit(.minutes(1)))
struct FakeModelServerTests {
    @Test func recordsRequestsAndServesTheQueueThenTheHandler() async throws {
        let server = try FakeModelServer(queue: [.status(503)], then: { request in .json(#"{"path": "\#(request.path)"}"#) })
        #expect(server.port > 0)
        var post = URLRequest(url: URL(string: server.baseURL + "/v1/echo?x=1")!)
        post.httpMethod = "POST"
        post.setValue("Bearer k", forHTTPHeaderField: "Authorization")
        post.httpBody = Data(#"{"model": "m", "n": 2}"#.utf8)
        let (_, first) = try await URLSession.shared.data(for: post)
        #expect((first as? HTTPURLResponse)?.statusCode == 503)
        let (body, second) = try await URLSession.shared.data(for: URLRequest(url: URL(string: server.baseURL + "/health")!))
        #expect((second as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self) == #"{"path": "/health"}"#)
        let recorded = server.requests
        #expect(recorded.map(\.method) == ["POST", "GET"])
        #expect(recorded[0].path == "/v1/echo?x=1")
        #expect(recorded[0].header("authorization") == "Bearer k")
        #expect(recorded[0].jsonObject?["n"] as? Int == 2)
    }

    @Test func openAIScriptAnswersModelsChatAndCompletions() async throws {
        let server = try FakeModelServer.openAI(FakeOpenAIBehaviour(models: ["a", "b"])) { call in
            call.api == .chat ? "chat: \(call.prompt)" : "raw: \(call.prompt)"
        }
        let (models, _) = try await URLSession.shared.data(from: URL(string: server.endpoint + "/models")!)
        #expect(String(decoding: models, as: UTF8.self).contains(#""id":"b""#))
        var chat = URLRequest(url: URL(string: server.endpoint + "/chat/completions")!)
        chat.httpMethod = "POST"
        chat.httpBody = Data(#"{"model": "a", "messages": [{"role": "user", "content": "hi"}]}"#.utf8)
        let (reply, _) = try await URLSession.shared.data(for: chat)
        let object = try #require(try JSONSerialization.jsonObject(with: reply) as? [String: Any])
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        #expect((choice["message"] as? [String: Any])?["content"] as? String == "chat: hi")
        #expect((object["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 1)
        #expect(server.modelCalls.map(\.model) == ["a"])
    }
}
