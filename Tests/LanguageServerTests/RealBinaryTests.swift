import Foundation
import JSONRPC
import Testing

/// The real `cascade lsp` binary as a child process, spoken to over pipes by the test
/// client, with a fake OpenAI-compatible model on 127.0.0.1 and the real sandbox running
/// the real Python tests. The binary is the one `swift test` built next to this bundle.
@Suite(.timeLimit(.minutes(1)))
struct RealBinaryTests {
    @Test func lifecycleAndBadInputEachFollowedByAWorkingRequest() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        let client = server.client
        #expect(await client.request("cascade/ledger").failureCode == .serverNotInitialized)
        let initialize = try await client.request("initialize", ["processId": nil, "rootUri": nil, "capabilities": [:]]).get()
        #expect(initialize["capabilities"]?["textDocumentSync"] == 2)
        #expect(initialize["capabilities"]?["inlineCompletionProvider"] != nil)
        client.notify("initialized", [:])
        client.sendFrame(body: "{oops")
        #expect(await client.nextAnonymousError()?.code == .parseError)
        client.sendFrame(body: "[]")
        #expect(await client.nextAnonymousError()?.code == .invalidRequest)
        client.sendRaw(Array("Content-Type: x\r\n\r\n{}".utf8))
        #expect(await client.nextAnonymousError()?.code == .parseError)
        #expect(await client.request("no/such/method").failureCode == .methodNotFound)
        client.notify("no/such/notification", [:])
        client.notify("textDocument/didChange", ["textDocument": ["uri": "file:///never/opened.py", "version": 2], "contentChanges": [["text": "x"]]])
        #expect(await client.request("textDocument/inlineCompletion", ["textDocument": 42]).failureCode == .invalidParams)
        client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(RealServer.uri("add")), "languageId": "python", "version": 1, "text": .string(RealServer.addSource)]])
        let pastTheEnd: JSONValue = ["textDocument": ["uri": .string(RealServer.uri("add"))], "position": ["line": 99, "character": 0], "context": ["triggerKind": 1]]
        #expect(await client.request("textDocument/inlineCompletion", pastTheEnd).failureCode == .invalidParams)
        // After all that, a completion still runs the whole way.
        let result = try await client.request("textDocument/inlineCompletion", RealServer.params("add")).get()
        #expect(result["items"]?[0]?["data"]?["cascade"]?["status"] == "passed")
        #expect(try await client.request("cascade/ledger").get()["requests"] == 1)
        #expect(await server.stop() == 0)
    }

    @Test func inlineCompletionAcceptedAtTheFirstTierWithProgressAndReport() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        try await server.start()
        let client = server.client
        let result = try await client.request("textDocument/inlineCompletion", RealServer.params("add", token: "progress-add")).get()
        let item = try #require(result["items"]?[0])
        #expect(item["insertText"] == "    return a + b")
        #expect(item["range"] == ["start": ["line": 2, "character": 0], "end": ["line": 2, "character": 4]])
        let report = try #require(item["data"]?["cascade"])
        let engineMs = try #require(item["data"]?["engineMs"]?.doubleValue, "the item carries the engine's own time")
        #expect(engineMs > 0 && engineMs < 60_000)
        #expect(report["status"] == "passed")
        #expect(report["acceptedTier"] == "small")
        #expect(report["tiers"]?.arrayValue?.count == 1)
        #expect(report["tiers"]?[0]?["tests"] == 3)
        #expect(report["tiers"]?[0]?["bestPassed"] == 3)
        #expect(report["tests"] == ["assert add(1, 2) == 3", "assert add(0, 0) == 0", "assert add(-1, 1) == 0"])
        #expect(item["command"]?["command"] == "cascade.accepted")

        // Progress for our token: one begin, reports, one end, in that order, before the answer.
        let kinds = client.notifications("$/progress")
            .filter { $0["params"]?["token"] == "progress-add" }
            .compactMap { $0["params"]?["value"]?["kind"]?.stringValue }
        #expect(kinds.first == "begin")
        #expect(kinds.last == "end")
        #expect(kinds.count >= 3)
        #expect(kinds.dropFirst().dropLast().allSatisfy { $0 == "report" })

        let notified = await client.waitForNotification("cascade/report")
        #expect(notified?["uri"] == .string(RealServer.uri("add")))
        #expect(notified?["position"] == ["line": 2, "character": 4])
        #expect(notified?["report"]?["id"] == report["id"])
        #expect(await server.stop() == 0)
    }

    @Test func listCompletionEscalatesToTheMediumTier() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        try await server.start()
        let result = try await server.client.request("textDocument/completion", RealServer.params("mul", trigger: nil, token: "progress-mul")).get()
        let item = try #require(result["items"]?[0])
        #expect(item["textEdit"]?["newText"] == "    return a * b")
        let report = try #require(item["data"]?["cascade"])
        #expect(report["status"] == "passed")
        #expect(report["acceptedTier"] == "medium")
        #expect(report["tiers"]?[0]?["accepted"] == false)
        #expect(report["tiers"]?[1]?["accepted"] == true)
        #expect(report["tiers"]?[1]?["bestPassed"] == report["tiers"]?[1]?["tests"])
        let detail = try #require(item["detail"]?.stringValue)
        #expect(detail.hasPrefix("✓ 3/3 tests · medium · $"), "detail: \(detail)")
        let messages = server.client.notifications("$/progress")
            .filter { $0["params"]?["token"] == "progress-mul" }
            .compactMap { $0["params"]?["value"]?["message"]?.stringValue }
        #expect(messages.contains { $0.contains("medium") }, "progress: \(messages)")
        #expect(await server.stop() == 0)
    }

    @Test func theDocstringsExamplesDecideAndTheSuggestionsShowEachTierTesting() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        try await server.start(capabilities: ["experimental": ["cascadeSuggestions": true]])
        let client = server.client
        // The small model's `a + b` fails the example; the medium model's `a * b` passes it.
        let uri = "file:///tmp/cascade-real/mul_examples.py"
        let text = "def mul(a, b):\n    \"\"\"Return the product of a and b.\n\n    mul(2, 3) ==> 6\n    \"\"\"\n    \n"
        client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "python", "version": 1, "text": .string(text)]])
        let result = try await client.request("textDocument/inlineCompletion", [
            "textDocument": ["uri": .string(uri)], "position": ["line": 5, "character": 4], "context": ["triggerKind": 1],
        ]).get()
        let report = try #require(result["items"]?[0]?["data"]?["cascade"])
        #expect(report["status"] == "passed")
        #expect(report["acceptedTier"] == "medium")
        #expect(report["examples"] == ["passed": 1, "total": 1])
        #expect(report["tiers"]?[0]?["examples"] == ["passed": 0, "total": 1])

        let suggestions = client.notifications("cascade/suggestion").compactMap { $0["params"] }
        let shown = suggestions.map { [$0["state"]?.stringValue ?? "?", $0["tier"]?.stringValue ?? "-"] }
        #expect(shown.first == ["testing", "small"], "\(shown)")
        #expect(shown.contains(["testing", "medium"]), "\(shown)")
        #expect(shown.last == ["passed", "medium"], "\(shown)")
        #expect(suggestions.first?["item"]?["insertText"] == "    return a + b")
        #expect(suggestions.last?["badge"]?["text"]?.stringValue?.hasPrefix("✓ 1/1 your example · ") == true)
        #expect(await server.stop() == 0)
    }

    @Test func anAutomaticRequestNeverShowsUnverifiedCodeAndTheNextOneGetsTheEscalatedAnswer() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        try await server.start()
        let client = server.client
        // `mul`: the small model's `a + b` fails its tests; the medium model's `a * b` passes.
        let first = try await client.request("textDocument/inlineCompletion", RealServer.params("mul", trigger: 2)).get()
        #expect(first["items"] == [])
        let background = await client.waitForNotification("cascade/report") { $0["background"] == true }
        #expect(background?["report"]?["status"] == "passed")
        #expect(background?["report"]?["acceptedTier"] == "medium")
        let second = try await client.request("textDocument/inlineCompletion", RealServer.params("mul", trigger: 2)).get()
        #expect(second["items"]?[0]?["insertText"] == "    return a * b")
        #expect(second["items"]?[0]?["data"]?["cascade"]?["status"] == "cached")
        #expect(await server.stop() == 0)
    }

    @Test func ledgerSumsMatchTheReportsAndTheFileHasOneLinePerCascade() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        try await server.start()
        let client = server.client
        _ = try await client.request("textDocument/inlineCompletion", RealServer.params("add")).get()
        _ = try await client.request("textDocument/completion", RealServer.params("mul", trigger: nil)).get()
        let reports = client.notifications("cascade/report").compactMap { $0["params"]?["report"] }
        try #require(reports.count == 2)
        let ledger = try await client.request("cascade/ledger").get()
        let spent = reports.compactMap { $0["totalCostUSD"]?.doubleValue }.reduce(0, +)
        let baseline = reports.compactMap { $0["baselineCostUSD"]?.doubleValue }.reduce(0, +)
        #expect(spent > 0)
        #expect(ledger["requests"] == 2)
        #expect(abs((ledger["spentUSD"]?.doubleValue ?? -1) - spent) < 1e-12)
        #expect(abs((ledger["baselineUSD"]?.doubleValue ?? -1) - baseline) < 1e-12)
        #expect(abs((ledger["savedUSD"]?.doubleValue ?? -1) - (baseline - spent)) < 1e-12)
        #expect(ledger["byTier"]?["small"]?["requests"] == 2)
        #expect(ledger["byTier"]?["medium"]?["requests"] == 1)
        let mediumSpent = reports.compactMap { $0["tiers"]?[1]?["costUSD"]?.doubleValue }.reduce(0, +)
        #expect(abs((ledger["byTier"]?["medium"]?["spentUSD"]?.doubleValue ?? -1) - mediumSpent) < 1e-12)
        #expect(await server.stop() == 0)

        let lines = try String(contentsOfFile: server.ledgerPath, encoding: .utf8).split(separator: "\n")
        let entries = try lines.map { try JSONValue.parse(Array($0.utf8)) }
        #expect(entries.count == 2)
        #expect(Set(entries.compactMap { $0["id"]?.stringValue }) == Set(reports.compactMap { $0["id"]?.stringValue }))
    }

    @Test func cancelRequestAnswersCancelledAndKillsTheTestProcesses() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        try await server.start()
        let id = server.client.send("textDocument/inlineCompletion", RealServer.params("spin"))
        try #require(await server.waitForSpinningTestProcess(), "no test process named \(server.marker) appeared")
        server.client.notify("$/cancelRequest", ["id": id.json])
        #expect(try await server.answer(to: id).failureCode == .requestCancelled)
        let gone = await server.waitFor(seconds: 5) { server.testProcesses().isEmpty }
        #expect(gone, "test processes still running after the cancellation: \(server.testProcesses())")
        #expect(await server.stop() == 0)
    }

    @Test func aNewerCompletionSupersedesAndKillsTheTestProcesses() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        try await server.start()
        // One document with both functions: `spin` first, `add` below it.
        let uri = RealServer.uri("both")
        let text = RealServer.spinSource + "\n\n" + RealServer.addSource
        server.client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "python", "version": 1, "text": .string(text)]])
        let first = server.client.send("textDocument/inlineCompletion", [
            "textDocument": ["uri": .string(uri)], "position": ["line": 2, "character": 4], "context": ["triggerKind": 1],
        ])
        try #require(await server.waitForSpinningTestProcess(), "no test process named \(server.marker) appeared")
        let second = server.client.send("textDocument/inlineCompletion", [
            "textDocument": ["uri": .string(uri)], "position": ["line": 7, "character": 4], "context": ["triggerKind": 1],
        ])
        #expect(try await server.answer(to: first).failureCode == .requestCancelled)
        let gone = await server.waitFor(seconds: 5) { server.testProcesses().isEmpty }
        #expect(gone, "test processes still running after the supersede: \(server.testProcesses())")
        let result = try await server.answer(to: second).get()
        #expect(result["items"]?[0]?["insertText"] == "    return a + b")
        #expect(await server.stop() == 0)
    }

    @Test func exitWithoutShutdownExitsWithOne() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        try await server.start()
        server.client.notify("exit")
        await server.client.waitForEnd()
        server.process.waitUntilExit()
        server.client.closeInput()
        #expect(server.process.terminationStatus == 1)
    }

    @Test func codeActionResolvesToTheVerifiedBodyAndInsertTestsAddsItsTests() async throws {
        let server = try RealServer()
        defer { server.removeHome() }
        try await server.start(capabilities: ["textDocument": ["codeAction": ["resolveSupport": ["properties": ["edit"]]]]])
        let client = server.client
        let uri = RealServer.uri("add")
        let actions = try await client.request("textDocument/codeAction", [
            "textDocument": ["uri": .string(uri)],
            "range": ["start": ["line": 1, "character": 0], "end": ["line": 1, "character": 0]], "context": ["diagnostics": []],
        ]).get()
        let action = try #require(actions[0])
        #expect(action["title"] == "Generate function from docstring")
        let resolved = try await client.request("codeAction/resolve", action).get()
        #expect(resolved["edit"]?["changes"]?[uri] == [[
            "range": ["start": ["line": 2, "character": 0], "end": ["line": 2, "character": 4]], "newText": "    return a + b",
        ]])
        // The tests that validated it go right below the function (here its docstring: the
        // client did not apply the edit).
        let inserted = try await client.request("workspace/executeCommand", [
            "command": "cascade.insertTests", "arguments": [["uri": .string(uri)]],
        ]).get()
        #expect(inserted["applied"] == true)
        let apply = try #require(client.serverRequests.first { $0.method == "workspace/applyEdit" })
        let edit = try #require(apply.params?["edit"]?["changes"]?[uri]?[0])
        #expect(edit["newText"] == "\ndef test_add():\n    assert add(1, 2) == 3\n    assert add(0, 0) == 0\n    assert add(-1, 1) == 0\n")
        #expect(await server.stop() == 0)
    }
}
