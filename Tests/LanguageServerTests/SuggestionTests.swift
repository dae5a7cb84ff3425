import Cascade
import JSONRPC
import Testing
@testable import LanguageServer

/// `cascade/suggestion`: progressive suggestions for clients that ask for them.
@Suite(.timeLimit(.minutes(1))) struct SuggestionTests {
    static let optIn: JSONValue = ["experimental": ["cascadeSuggestions": true]]

    @Test func theServerAnnouncesSuggestionNotifications() async throws {
        let harness = ServerHarness()
        let result = try await harness.start()
        #expect(result["capabilities"]?["experimental"]?["cascadeSuggestions"] == true)
        _ = await harness.stop()
    }

    @Test func eachCandidateIsShownAsTestingThenTheVerdictArrivesBeforeTheAnswer() async throws {
        let harness = ServerHarness()
        harness.engine.script.candidates = ["    return a - b\n", "    return a + b\n"]
        try await harness.start(capabilities: Self.optIn)
        let id = harness.client.send("textDocument/inlineCompletion", harness.inlineParams(line: 3, character: 8))
        let answer = try await harness.client.answer(to: id).get()

        // Everything read before the answer: the verdict precedes it.
        let suggestions = harness.client.notifications("cascade/suggestion").map { $0["params"] ?? .null }
        #expect(suggestions.map { $0["state"] } == ["testing", "testing", "passed"])
        #expect(suggestions.allSatisfy { $0["id"] == id.json && $0["uri"] == .string(ServerHarness.uri) })
        let first = suggestions[0]
        #expect(first["item"]?["insertText"] == "    return a - b")
        #expect(first["item"]?["range"] == ["start": ServerHarness.position(3, 0), "end": ServerHarness.position(3, 8)])
        #expect(first["badge"] == ["text": "testing… · small", "severity": "info"])
        #expect(first["candidate"] == 1)
        #expect(first["report"] == nil)
        #expect(suggestions[1]["badge"]?["text"] == "testing… · small · candidate 2")

        let verdict = suggestions[2]
        #expect(verdict["item"]?["insertText"] == answer["items"]?[0]?["insertText"])
        let badge: JSONValue = ["text": "✓ 12/12 tests · small · $0.00003 · ~85% cheaper than the last tier alone", "severity": "ok"]
        #expect(verdict["badge"] == badge)
        #expect(verdict["report"]?["id"] == answer["items"]?[0]?["data"]?["cascade"]?["id"])
        // The same badge rides on the item and on cascade/report, with the session's totals.
        #expect(answer["items"]?[0]?["data"]?["badge"] == badge)
        let report = await harness.client.waitForNotification("cascade/report")
        #expect(report?["badge"] == badge)
        #expect(report?["session"]?["requests"] == 1)
        #expect(report?["session"]?["spentUSD"]?.doubleValue == 0.00003)
        _ = await harness.stop()
    }

    @Test func anUnverifiedVerdictIsAWarning() async throws {
        let harness = ServerHarness()
        harness.engine.script.candidates = ["    return a - b\n"]
        harness.engine.script.status = .unverified
        harness.engine.script.passed = 3
        try await harness.start(capabilities: Self.optIn)
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).get()
        let verdict = try #require(harness.client.notifications("cascade/suggestion").map { $0["params"] ?? .null }.last)
        #expect(verdict["state"] == "unverified")
        #expect(verdict["badge"]?["severity"] == "warning")
        #expect(verdict["badge"]?["text"]?.stringValue?.hasPrefix("? unverified") == true)
        _ = await harness.stop()
    }

    @Test func aClientThatDidNotAskGetsOnlyTheAnswer() async throws {
        let harness = ServerHarness()
        harness.engine.script.candidates = ["    return a - b\n"]
        try await harness.start()
        let answer = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).get()
        #expect(answer["items"]?[0]?["insertText"] == "    return a + b")
        _ = await harness.client.waitForNotification("cascade/report")
        #expect(harness.client.notifications("cascade/suggestion").map { $0["params"] ?? .null }.isEmpty)
        _ = await harness.stop()
    }

    @Test func aCancelledRequestGetsNoVerdict() async throws {
        let harness = ServerHarness()
        harness.engine.script.candidates = ["    return a - b\n"]
        harness.engine.script.hang = true
        try await harness.start(capabilities: Self.optIn)
        var started = harness.engine.started.makeAsyncIterator()
        let id = harness.client.send("textDocument/inlineCompletion", harness.inlineParams())
        _ = await started.next()
        _ = await harness.client.waitForNotification("cascade/suggestion")
        harness.client.notify("$/cancelRequest", ["id": id.json])
        let answer = await harness.client.answer(to: id)
        #expect(answer.failureCode == ErrorCode.requestCancelled)
        var cancelled = harness.engine.cancelled.makeAsyncIterator()
        _ = await cancelled.next()
        #expect(harness.client.notifications("cascade/suggestion").map { $0["params"] ?? .null }.map { $0["state"] } == ["testing"])
        _ = await harness.stop()
    }

    @Test func anAutomaticRequestWhoseFirstTierFailsShowsNothingAndEscalatesInTheBackground() async throws {
        let harness = ServerHarness()
        harness.engine.script.firstTierFails = true
        try await harness.start(capabilities: Self.optIn)
        var started = harness.engine.started.makeAsyncIterator()
        let answer = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(trigger: 2)).get()
        #expect(answer["items"] == [], "unverified code is not shown for an automatic request")
        let verdict = try #require(harness.client.notifications("cascade/suggestion").last?["params"])
        #expect(verdict["state"] == "escalating")
        #expect(verdict["item"] == .null)
        #expect((await started.next())?.mode == .firstTier)
        #expect((await started.next())?.mode == .full, "the full cascade runs in the background")
        let background = await harness.client.waitForNotification("cascade/report") { $0["background"] == true }
        #expect(background?["report"]?["status"] == "passed")
        _ = await harness.stop()
    }

    @Test func aBackgroundEscalationStopsWhenItsDocumentCloses() async throws {
        let harness = ServerHarness()
        harness.engine.script.firstTierFails = true
        harness.engine.script.fullHangs = true
        try await harness.start()
        var started = harness.engine.started.makeAsyncIterator()
        var cancelled = harness.engine.cancelled.makeAsyncIterator()
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(trigger: 2)).get()
        #expect((await started.next())?.mode == .firstTier)
        #expect((await started.next())?.mode == .full)
        harness.client.notify("textDocument/didClose", ["textDocument": ["uri": .string(ServerHarness.uri)]])
        _ = await cancelled.next()
        #expect(harness.engine.cancellations == 1)
        _ = await harness.stop()
    }
}
