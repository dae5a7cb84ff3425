import Cascade
@testable import Evaluation
import Foundation
import Testing

/// A model that counts its calls and answers "answer N" for sample N.
private actor CountingModel: CodeModel {
    var calls = 0
    func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        calls += 1
        let texts = (0..<max(1, request.samples)).map { "answer \($0)" }
        return GenerationResult(texts: texts, promptTokens: 100, completionTokens: 40 * texts.count, latencyMs: 1000)
    }
}

private struct FixedProvider: CodeModelProvider {
    let model: CountingModel
    func model(for tier: TierConfig) async throws -> any CodeModel { model }
}

private func temporaryDirectory() -> String {
    NSTemporaryDirectory() + "cascade-recording-\(UUID().uuidString)"
}

@Suite struct RecordingTests {
    let tier = TierConfig(name: "small", endpoint: "http://127.0.0.1:1/v1", model: "m")
    let request = GenerationRequest(
        prompt: Prompt(messages: [ChatMessage(role: .user, content: "write add")], text: "write add"),
        samples: 4, temperature: 0.8, maxTokens: 64)

    @Test func replayServesRecordedAnswersWithoutTheModel() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let counting = CountingModel()
        let recorder = RecordingModelProvider(base: FixedProvider(model: counting), store: try RecordStore(directory: directory, writable: true), mode: .record)
        let recorded = try await recorder.model(for: tier).generate(request)
        let replayer = RecordingModelProvider(base: nil, store: try RecordStore(directory: directory, writable: false), mode: .replay)
        let replayed = try await replayer.model(for: tier).generate(request)
        #expect(replayed == recorded)
        #expect(await counting.calls == 1)
    }

    @Test func fewerSamplesReplayAPrefixWithScaledTokens() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = RecordingModelProvider(base: FixedProvider(model: CountingModel()), store: try RecordStore(directory: directory, writable: true), mode: .record)
        _ = try await recorder.model(for: tier).generate(request)
        var smaller = request
        smaller.samples = 2
        let replayer = RecordingModelProvider(base: nil, store: try RecordStore(directory: directory, writable: false), mode: .replay)
        let result = try await replayer.model(for: tier).generate(smaller)
        #expect(result.texts == ["answer 0", "answer 1"])
        #expect(result.completionTokens == 80)
        #expect(result.promptTokens == 50)
    }

    @Test func replayOfAnUnrecordedRequestNamesTheTier() async throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let replayer = RecordingModelProvider(base: nil, store: try RecordStore(directory: directory, writable: false), mode: .replay)
        await #expect {
            _ = try await replayer.model(for: tier).generate(request)
        } throws: { error in
            "\(error)".contains("tier small")
        }
    }

    @Test func aTornLastLineIsSkippedAndRecordingResumes() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try RecordStore(directory: directory, writable: true)
        try await store.record(RecordedOutcome(key: "a", outcome: TestOutcomeRecord(.pass), ms: 1))
        let handle = try #require(FileHandle(forWritingAtPath: directory + "/outcomes.jsonl"))
        handle.seekToEndOfFile()
        handle.write(Data("{\"key\":\"b\",\"outc".utf8))
        try handle.close()
        let reopened = try RecordStore(directory: directory, writable: true)
        #expect(await reopened.outcome("a")?.outcome == TestOutcomeRecord(.pass))
        #expect(await reopened.outcome("b") == nil)
        // The next record starts after the torn line, so it survives a reload.
        try await reopened.record(RecordedOutcome(key: "c", outcome: TestOutcomeRecord(.fail), ms: 2))
        #expect(await (try RecordStore(directory: directory, writable: false)).outcome("c")?.outcome == TestOutcomeRecord(.fail))
    }

    @Test func stableHashDependsOnPartBoundaries() {
        #expect(StableHash.hex(["ab", "c"]) != StableHash.hex(["a", "bc"]))
        #expect(StableHash.hex(["x"]) == StableHash.hex(["x"]))
        #expect(StableHash.hex(["x"]).count == 32)
    }
}
