import Cascade
import JSONRPC
import Testing
@testable import LanguageServer

@Suite(.timeLimit(.minutes(1))) struct CompletionTests {
    @Test func invokedInlineCompletionReturnsTextRangeAndReport() async throws {
        let harness = ServerHarness()
        try await harness.start()
        // Cursor at the end of `    pass` (line 3); the engine replaces line 3.
        let result = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(line: 3, character: 8)).get()
        let item = try #require(result["items"]?[0])
        #expect(item["insertText"] == "    return a + b")
        #expect(item["range"] == ["start": ServerHarness.position(3, 0), "end": ServerHarness.position(3, 8)])
        #expect(item["data"]?["cascade"]?["id"] == "c-1")
        #expect(item["data"]?["cascade"]?["status"] == "passed")
        #expect(item["command"]?["command"] == "cascade.accepted")
        #expect(harness.engine.requests.first?.mode == .full)
        #expect(harness.engine.requests.first?.line == 3)
        let report = await harness.client.waitForNotification("cascade/report")
        #expect(report?["uri"] == .string(ServerHarness.uri))
        #expect(report?["position"] == ServerHarness.position(3, 8))
        #expect(report?["report"]?["completion"] == "    return a + b\n")
        _ = await harness.stop()
    }

    @Test func automaticTriggerAsksForTheFirstTierOnly() async throws {
        let harness = ServerHarness()
        try await harness.start()
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(trigger: 2)).get()
        #expect(harness.engine.requests.first?.mode == .firstTier)
        _ = await harness.stop()
    }

    @Test func listCompletionHasTheBadgeTableAndSingleLineEdit() async throws {
        let harness = ServerHarness()
        try await harness.start()
        let result = try await harness.client.request("textDocument/completion", [
            "textDocument": ["uri": .string(ServerHarness.uri)], "position": ServerHarness.position(3, 8),
        ]).get()
        #expect(result["isIncomplete"] == false)
        let item = try #require(result["items"]?[0])
        #expect(item["detail"] == "✓ 12/12 tests · small · $0.00003")
        #expect(item["label"] == "return a + b")
        let documentation = try #require(item["documentation"]?["value"]?.stringValue)
        #expect(documentation.contains("| small | fake-small | 3 | - | 12 | 12 | 1.00/1.00 | yes |"))
        #expect(item["textEdit"]?["range"] == ["start": ServerHarness.position(3, 0), "end": ServerHarness.position(3, 8)])
        #expect(item["textEdit"]?["newText"] == "    return a + b")
        #expect(item["data"]?["cascade"]?["totalCostUSD"]?.doubleValue == 0.00003)
        _ = await harness.stop()
    }

    @Test func nonASCIIColumnsReachTheEngineInUTF16() async throws {
        let harness = ServerHarness()
        try await harness.start(open: false)
        harness.openDocument(text: "s = \"é😀\"  # x\n")
        // UTF-16: s, space, =, space, ", é, 😀 (2 units), " → column 9 is after the closing quote.
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(line: 0, character: 9)).get()
        #expect(harness.engine.requests.first?.utf16Column == 9)
        _ = await harness.stop()
    }

    @Test func utf8PositionsAreConvertedForTheEngine() async throws {
        let harness = ServerHarness()
        try await harness.start(capabilities: ["general": ["positionEncodings": ["utf-8"]]], open: false)
        harness.openDocument(text: "s = \"é😀\"\n")
        // UTF-8: é is 2 bytes, 😀 4 bytes: after the emoji is byte 11, UTF-16 column 8.
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(line: 0, character: 11)).get()
        #expect(harness.engine.requests.first?.utf16Column == 8)
        _ = await harness.stop()
    }

    @Test func incrementalChangesAreWhatTheEngineSees() async throws {
        let harness = ServerHarness()
        try await harness.start(open: false)
        harness.openDocument(text: "x = \"😀\"\ny = 1\n")
        harness.client.notify("textDocument/didChange", [
            "textDocument": ["uri": .string(ServerHarness.uri), "version": 2],
            "contentChanges": [
                ["range": ["start": ServerHarness.position(0, 5), "end": ServerHarness.position(0, 7)], "text": "é"],
                ["range": ["start": ServerHarness.position(1, 4), "end": ServerHarness.position(1, 5)], "text": "22"],
            ],
        ])
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(line: 1, character: 0)).get()
        #expect(harness.engine.requests.first?.text == "x = \"é\"\ny = 22\n")
        _ = await harness.stop()
    }

    @Test func aFailedCascadeGivesNoItemsButAReport() async throws {
        var script = FakeEngine.Script()
        script.status = .failed
        script.completion = ""
        let harness = ServerHarness(engine: FakeEngine(script))
        try await harness.start()
        let result = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).get()
        #expect(result["items"] == [])
        #expect(await harness.client.waitForNotification("cascade/report")?["report"]?["status"] == "failed")
        _ = await harness.stop()
    }

    @Test func anInvokedCompletionThatFoundNothingSaysWhyInAMessage() async throws {
        var script = FakeEngine.Script()
        script.status = .failed
        script.completion = ""
        let harness = ServerHarness(engine: FakeEngine(script))
        try await harness.start()
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(trigger: 2)).get()
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(trigger: 1)).get()
        // Read before the answer: only the invoked request's message, none for the automatic one.
        let messages = harness.client.notifications("window/showMessage").compactMap { $0["params"]?["message"]?.stringValue }
        #expect(messages == ["Cascade found no completion: failed"], "\(messages)")
        _ = await harness.stop()
    }
}
