import Cascade
import JSONRPC
import Testing
@testable import LanguageServer

@Suite(.timeLimit(.minutes(1))) struct BackgroundWorkTests {
    private func hangingHarness() -> ServerHarness {
        var script = FakeEngine.Script()
        script.hang = true
        return ServerHarness(engine: FakeEngine(script))
    }

    @Test func aNewerRequestSupersedesThePendingOne() async throws {
        let harness = hangingHarness()
        try await harness.start()
        var started = harness.engine.started.makeAsyncIterator()
        var cancelled = harness.engine.cancelled.makeAsyncIterator()
        let first = harness.client.send("textDocument/inlineCompletion", harness.inlineParams())
        _ = await started.next()
        harness.engine.script.hang = false
        let second = await harness.client.request("textDocument/completion", [
            "textDocument": ["uri": .string(ServerHarness.uri)], "position": ServerHarness.position(3, 8),
        ])
        #expect(await harness.client.answer(to: first).failureCode == ErrorCode.requestCancelled)
        #expect(second.value?["items"]?[0] != nil)
        await cancelled.next()
        #expect(harness.engine.cancellations == 1)
        _ = await harness.stop()
    }

    @Test func aSupersededCascadesSpendIsInTheLedger() async throws {
        var script = FakeEngine.Script()
        script.hang = true
        script.spendsBeforeCancel = true
        let harness = ServerHarness(engine: FakeEngine(script))
        try await harness.start()
        var started = harness.engine.started.makeAsyncIterator()
        let first = harness.client.send("textDocument/inlineCompletion", harness.inlineParams(token: "first"))
        _ = await started.next()
        harness.engine.script.hang = false
        harness.engine.script.spendsBeforeCancel = false
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).get()
        #expect(await harness.client.answer(to: first).failureCode == ErrorCode.requestCancelled)
        // The cancelled cascade's progress ends after its spend is recorded.
        _ = await harness.client.waitForNotification("$/progress") { $0["token"] == "first" && $0["value"]?["kind"] == "end" }
        let ledger = try await harness.client.request("cascade/ledger").get()
        #expect(ledger["requests"] == 2)
        #expect(ledger["spentUSD"]?.doubleValue.map { abs($0 - 2 * 0.00003) < 1e-12 } == true, "\(ledger)")
        _ = await harness.stop()
    }

    @Test func requestsForOtherDocumentsAreNotSuperseded() async throws {
        let harness = hangingHarness()
        try await harness.start()
        harness.openDocument(uri: "file:///tmp/other.py")
        var started = harness.engine.started.makeAsyncIterator()
        let first = harness.client.send("textDocument/inlineCompletion", harness.inlineParams())
        _ = await started.next()
        harness.engine.script.hang = false
        let other = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(uri: "file:///tmp/other.py"))
        #expect(other.value?["items"]?[0] != nil)
        harness.client.notify("$/cancelRequest", ["id": first.json])
        #expect(await harness.client.answer(to: first).failureCode == ErrorCode.requestCancelled)
        _ = await harness.stop()
    }

    @Test func anExplicitGenerateIsNotSupersededByACompletion() async throws {
        let harness = hangingHarness()
        try await harness.start()
        var started = harness.engine.started.makeAsyncIterator()
        let generate = harness.client.send("workspace/executeCommand", [
            "command": "cascade.generateFromDocstring", "arguments": [["uri": .string(ServerHarness.uri), "line": 0]],
        ])
        _ = await started.next()
        harness.engine.script.hang = false
        #expect(await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).value?["items"]?[0] != nil)
        #expect(harness.engine.cancellations == 0)
        harness.client.notify("$/cancelRequest", ["id": generate.json])
        #expect(await harness.client.answer(to: generate).failureCode == ErrorCode.requestCancelled)
        _ = await harness.stop()
    }

    @Test func cancelRequestAnswersCancelledAndStopsTheEngine() async throws {
        let harness = hangingHarness()
        try await harness.start()
        var started = harness.engine.started.makeAsyncIterator()
        var cancelled = harness.engine.cancelled.makeAsyncIterator()
        let id = harness.client.send("textDocument/inlineCompletion", harness.inlineParams())
        _ = await started.next()
        harness.client.notify("$/cancelRequest", ["id": id.json])
        let answer = await harness.client.answer(to: id)
        #expect(answer.failureCode == ErrorCode.requestCancelled)
        await cancelled.next()
        #expect(harness.engine.cancellations == 1)
        // Still serving afterwards.
        harness.engine.script.hang = false
        #expect(await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).value?["items"]?[0] != nil)
        _ = await harness.stop()
    }

    @Test func progressWithTheClientsTokenArrivesBeginReportEnd() async throws {
        let harness = ServerHarness()
        try await harness.start()
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(token: "tok-1")).get()
        let values = harness.client.notifications("$/progress").filter { $0["params"]?["token"] == "tok-1" }.compactMap { $0["params"]?["value"] }
        #expect(values.map { $0["kind"]?.stringValue ?? "" } == ["begin", "report", "report", "report", "end"])
        #expect(values.dropFirst().first?["message"] == "small: generating")
        #expect(values.dropFirst(2).first?["message"] == "small: 12/12 tests")
        #expect(values.last?["message"] == "✓ 12/12 tests · small · $0.00003")
        _ = await harness.stop()
    }

    @Test func progressTokenIsCreatedWhenTheClientSupportsIt() async throws {
        let harness = ServerHarness()
        try await harness.start(capabilities: ["window": ["workDoneProgress": true]])
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).get()
        let create = try #require(harness.client.serverRequests.first { $0.method == "window/workDoneProgress/create" })
        let token = try #require(create.params?["token"])
        // The cascade did not wait for the token; its progress may end after the answer.
        _ = await harness.client.waitForNotification("$/progress") { $0["token"] == token && $0["value"]?["kind"] == "end" }
        let kinds = harness.client.notifications("$/progress").filter { $0["params"]?["token"] == token }.compactMap { $0["params"]?["value"]?["kind"]?.stringValue }
        #expect(kinds.first == "begin" && kinds.last == "end")
        _ = await harness.stop()
    }

    @Test func aClientThatNeverAnswersTheProgressTokenRequestStillGetsItsCompletion() async throws {
        let harness = ServerHarness(handler: { method, params in
            method == "window/workDoneProgress/create" ? nil : LSPTestClient.defaultHandler(method, params)
        })
        try await harness.start(capabilities: ["window": ["workDoneProgress": true]])
        let result = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).get()
        #expect(result["items"]?[0]?["insertText"] == "    return a + b")
        #expect(harness.client.serverRequests.map(\.method) == ["window/workDoneProgress/create"])
        #expect(harness.client.notifications("$/progress").isEmpty, "no progress without an accepted token")
        _ = await harness.stop()
    }

    @Test func noProgressWithoutTokenOrCapability() async throws {
        let harness = ServerHarness()
        try await harness.start()
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).get()
        #expect(harness.client.notifications("$/progress").isEmpty)
        #expect(harness.client.serverRequests.isEmpty)
        _ = await harness.stop()
    }

    @Test func cancellingTheProgressCancelsTheRequest() async throws {
        let harness = hangingHarness()
        try await harness.start()
        var cancelled = harness.engine.cancelled.makeAsyncIterator()
        let id = harness.client.send("textDocument/inlineCompletion", harness.inlineParams(token: "tok-2"))
        _ = await harness.client.waitForNotification("$/progress") { $0["token"] == "tok-2" }
        harness.client.notify("window/workDoneProgress/cancel", ["token": "tok-2"])
        #expect(await harness.client.answer(to: id).failureCode == ErrorCode.requestCancelled)
        await cancelled.next()
        let end = await harness.client.waitForNotification("$/progress") { $0["token"] == "tok-2" && $0["value"]?["kind"] == "end" }
        #expect(end?["value"]?["message"] == "cancelled")
        _ = await harness.stop()
    }

    @Test func closingTheDocumentCancelsItsCompletion() async throws {
        let harness = hangingHarness()
        try await harness.start()
        var started = harness.engine.started.makeAsyncIterator()
        let id = harness.client.send("textDocument/inlineCompletion", harness.inlineParams())
        _ = await started.next()
        harness.client.notify("textDocument/didClose", ["textDocument": ["uri": .string(ServerHarness.uri)]])
        #expect(await harness.client.answer(to: id).failureCode == ErrorCode.requestCancelled)
        _ = await harness.stop()
    }

    @Test func shutdownCancelsPendingWork() async throws {
        let harness = hangingHarness()
        try await harness.start()
        var started = harness.engine.started.makeAsyncIterator()
        let id = harness.client.send("textDocument/inlineCompletion", harness.inlineParams())
        _ = await started.next()
        #expect(await harness.stop() == 0)
        #expect(await harness.client.answer(to: id).failureCode == ErrorCode.requestCancelled)
    }
}
