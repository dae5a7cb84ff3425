import Cascade
import Foundation
import JSONRPC
import Testing
@testable import LanguageServer

@Suite(.timeLimit(.minutes(1))) struct LedgerAndCommandTests {
    @Test func ledgerSumsMatchTheReports() async throws {
        let harness = ServerHarness()
        try await harness.start()
        var reports: [JSONValue] = []
        for (cost, tier) in [(0.00003, "small"), (0.0001, "medium"), (0.00002, "small")] {
            harness.engine.script.costUSD = cost
            harness.engine.script.tier = tier
            let result = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).get()
            reports.append(try #require(result["items"]?[0]?["data"]?["cascade"]))
        }
        _ = try await harness.client.request("workspace/executeCommand", ["command": "cascade.accepted", "arguments": [["id": "c-2"]]]).get()
        let ledger = try await harness.client.request("cascade/ledger").get()
        let spent = reports.compactMap { $0["totalCostUSD"]?.doubleValue }.reduce(0, +)
        let baseline = reports.compactMap { $0["baselineCostUSD"]?.doubleValue }.reduce(0, +)
        #expect(ledger["requests"] == 3)
        #expect(abs((ledger["spentUSD"]?.doubleValue ?? 0) - spent) < 1e-12)
        #expect(abs((ledger["baselineUSD"]?.doubleValue ?? 0) - baseline) < 1e-12)
        #expect(abs((ledger["savedUSD"]?.doubleValue ?? 0) - (baseline - spent)) < 1e-12)
        #expect(ledger["accepted"] == 1)
        #expect(ledger["allTime"]?["requests"] == 3)  // in-memory ledger: all time is this session
        #expect(ledger["byTier"]?["small"]?["requests"] == 2)
        #expect(abs((ledger["byTier"]?["medium"]?["spentUSD"]?.doubleValue ?? 0) - 0.0001) < 1e-12)
        _ = await harness.stop()
    }

    @Test func ledgerFileSurvivesARestartAndToleratesATornLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-ledger-\(UUID().uuidString)")
        let file = LedgerFile(path: directory.appendingPathComponent("ledger.jsonl").path)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = Ledger(file: file)
        await first.record(FakeEngine.report(id: "c-1", script: .init()))
        await first.recordAcceptance(reportID: "c-1")
        await first.flush()
        // A crash mid-write leaves half a line.
        let handle = try #require(FileHandle(forWritingAtPath: file.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"event\":\"cascade\",\"ti".utf8))
        try handle.close()
        let (entries, skipped) = file.read()
        #expect(entries.count == 2 && skipped == 1)
        let restarted = Ledger(file: file)
        await restarted.record(FakeEngine.report(id: "c-2", script: .init()))
        await restarted.flush()
        let total = await restarted.allTime()
        #expect(total.requests == 2 && total.accepted == 1)
        #expect(abs(total.spentUSD - 0.00006) < 1e-12)
        #expect(await restarted.summary().requests == 1)
    }

    @Test func codeActionOffersGenerationAndResolvesToAnEdit() async throws {
        let harness = ServerHarness()
        try await harness.start(capabilities: ["textDocument": ["codeAction": ["resolveSupport": ["properties": ["edit"]]]]])
        let actions = try await harness.client.request("textDocument/codeAction", [
            "textDocument": ["uri": .string(ServerHarness.uri)],
            "range": ["start": ServerHarness.position(0, 4), "end": ServerHarness.position(0, 4)], "context": ["diagnostics": []],
        ]).get()
        let action = try #require(actions[0])
        #expect(action["title"] == "Generate function from docstring")
        #expect(action["command"] == nil)
        let resolved = try await harness.client.request("codeAction/resolve", action).get()
        // The engine was asked at the end of the `pass` line and replaced that line.
        #expect(harness.engine.requests.first?.line == 3)
        let edits = try #require(resolved["edit"]?["changes"]?[ServerHarness.uri])
        #expect(edits == [["range": ["start": ServerHarness.position(3, 0), "end": ServerHarness.position(3, 8)], "newText": "    return a + b"]])
        _ = await harness.stop()
    }

    @Test func noCodeActionForAFunctionWithABody() async throws {
        let harness = ServerHarness()
        try await harness.start(open: false)
        harness.openDocument(text: "def add(a, b):\n    \"\"\"Add.\"\"\"\n    return a + b\n")
        let actions = try await harness.client.request("textDocument/codeAction", [
            "textDocument": ["uri": .string(ServerHarness.uri)],
            "range": ["start": ServerHarness.position(0, 0), "end": ServerHarness.position(0, 0)], "context": [:],
        ]).get()
        #expect(actions == [])
        _ = await harness.stop()
    }

    @Test func generateCommandAppliesTheEditThroughTheClient() async throws {
        let harness = ServerHarness()
        try await harness.start()
        let (result, edits) = try await harness.generateFromDocstring()
        #expect(result["applied"] == true)
        #expect(edits?[0]?["newText"] == "    return a + b")
        _ = await harness.stop()
    }

    @Test func theSessionAndBadgeAreTheJSONTheirEncodingWouldGive() throws {
        let summary = LedgerSummary(requests: 2, spentUSD: 0.25, baselineUSD: 1.5, savedUSD: 1.25, accepted: 1,
                                    byTier: ["small": .init(requests: 2, spentUSD: 0.25)])
        #expect(JSONValue(summary) == (try JSONValue(encoding: summary)))
        let badge = Badge(text: "✓ 3/3 tests · small · $0.00003", severity: .ok)
        #expect(JSONValue(badge) == (try JSONValue(encoding: badge)))
    }

    @Test func insertTestsNamesTheFunctionAtTheClientsLine() async throws {
        let harness = ServerHarness()
        try await harness.start(open: false)
        harness.openDocument(text: "def sub(a, b):\n    return a - b\n\n\ndef add(a, b):\n    return a + b\n")
        _ = try await harness.client.request("workspace/executeCommand", [
            "command": "cascade.insertTests",
            "arguments": [["uri": .string(ServerHarness.uri), "line": 1, "tests": ["assert sub(2, 1) == 1"]]],
        ]).get()
        let apply = try #require(harness.client.serverRequests.first { $0.method == "workspace/applyEdit" })
        let edit = try #require(apply.params?["edit"]?["changes"]?[ServerHarness.uri]?[0])
        #expect(edit["newText"]?.stringValue?.contains("def test_sub():\n    assert sub(2, 1) == 1\n") == true, "\(edit)")
        _ = await harness.stop()
    }

    @Test func insertTestsWritesAJavaScriptTestFunctionInAJavaScriptFile() async throws {
        let harness = ServerHarness()
        try await harness.start(open: false)
        let uri = "file:///tmp/add.js"
        harness.client.notify("textDocument/didOpen", ["textDocument": [
            "uri": .string(uri), "languageId": "javascript", "version": 1, "text": "function add(a, b) {\n  return a + b;\n}\n",
        ]])
        let result = try await harness.client.request("workspace/executeCommand", [
            "command": "cascade.insertTests",
            "arguments": [["uri": .string(uri), "entryPoint": "add", "tests": ["assert.strictEqual(add(1, 2), 3);"]]],
        ]).get()
        #expect(result["applied"] == true)
        let apply = try #require(harness.client.serverRequests.first { $0.method == "workspace/applyEdit" })
        let edit = try #require(apply.params?["edit"]?["changes"]?[uri]?[0])
        #expect(edit["newText"] == "\n\nfunction test_add() {\n  const assert = require('node:assert');\n  assert.strictEqual(add(1, 2), 3);\n}")
        _ = await harness.stop()
    }

    @Test func insertTestsAddsATestFunctionBelowTheFunction() async throws {
        let harness = ServerHarness()
        try await harness.start()
        _ = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams()).get()
        let result = try await harness.client.request("workspace/executeCommand", [
            "command": "cascade.insertTests", "arguments": [["uri": .string(ServerHarness.uri)]],
        ]).get()
        #expect(result["applied"] == true)
        let apply = try #require(harness.client.serverRequests.first { $0.method == "workspace/applyEdit" })
        let edit = try #require(apply.params?["edit"]?["changes"]?[ServerHarness.uri]?[0])
        // At the end of the last line (not past the final line break, which some editors reject).
        #expect(edit["newText"] == "\n\ndef test_add():\n    assert add(1, 2) == 3\n    assert add(0, 0) == 0")
        #expect(edit["range"]?["start"] == ServerHarness.position(3, 8))
        _ = await harness.stop()
    }

    @Test func insertTestsWithoutAnyCascadeSaysWhatToDo() async throws {
        let harness = ServerHarness()
        try await harness.start()
        let result = await harness.client.request("workspace/executeCommand", [
            "command": "cascade.insertTests", "arguments": [["uri": .string(ServerHarness.uri)]],
        ])
        #expect(result.failureCode == ErrorCode.invalidParams)
        #expect(result.failureMessage.contains("complete a function first"))
        _ = await harness.stop()
    }
}
