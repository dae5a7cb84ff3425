import Cascade
import JSONRPC
import Testing
@testable import LanguageServer

/// A report that carries module-level imports (`from typing import *`): every route that
/// inserts the completion also adds the imports the document lacks at the top of the file,
/// as a separate edit, and nothing when the document already has them.
@Suite(.timeLimit(.minutes(1))) struct ImportEditTests {
    static let imports: [String] = ["from typing import *"]
    /// `ServerHarness.source` with the import already at its top (the `pass` is on line 5).
    static let sourceWithImport = "from typing import *\n\n" + ServerHarness.source
    static let importEdit: JSONValue = [
        "range": ["start": ServerHarness.position(0, 0), "end": ServerHarness.position(0, 0)],
        "newText": "from typing import *\n\n",
    ]

    private func harness() -> ServerHarness {
        var script = FakeEngine.Script()
        script.imports = Self.imports
        return ServerHarness(engine: FakeEngine(script))
    }

    private func listItem(_ harness: ServerHarness, line: Int) async throws -> JSONValue {
        let result = try await harness.client.request("textDocument/completion", [
            "textDocument": ["uri": .string(ServerHarness.uri)], "position": ServerHarness.position(line, 8),
        ]).get()
        return try #require(result["items"]?[0])
    }

    @Test func aCompletionItemAddsTheImportAtTheTopOfAFileThatLacksIt() async throws {
        let harness = harness()
        try await harness.start()
        let item = try await listItem(harness, line: 3)
        #expect(item["textEdit"]?["newText"] == "    return a + b")
        #expect(item["additionalTextEdits"] == [Self.importEdit])
        #expect(item["data"]?["cascade"]?["imports"] == ["from typing import *"])
        _ = await harness.stop()
    }

    @Test func aCompletionItemAddsNoImportToAFileThatHasIt() async throws {
        let harness = harness()
        try await harness.start(open: false)
        harness.openDocument(text: Self.sourceWithImport)
        let item = try await listItem(harness, line: 5)
        #expect(item["textEdit"]?["newText"] == "    return a + b")
        #expect(item["additionalTextEdits"] == nil)
        _ = await harness.stop()
    }

    @Test func aReportWithoutImportsHasNoImportsKey() async throws {
        let harness = ServerHarness()
        try await harness.start()
        let item = try await listItem(harness, line: 3)
        #expect(item["additionalTextEdits"] == nil)
        #expect(item["data"]?["cascade"]?.objectValue?.keys.contains("imports") == false)
        _ = await harness.stop()
    }

    @Test func theCodeActionEditHasTheImportEditBeforeTheBody() async throws {
        for (text, expectImport) in [(ServerHarness.source, true), (Self.sourceWithImport, false)] {
            let harness = harness()
            try await harness.start(capabilities: ["textDocument": ["codeAction": ["resolveSupport": ["properties": ["edit"]]]]], open: false)
            harness.openDocument(text: text)
            let firstLine = expectImport ? 0 : 2
            let actions = try await harness.client.request("textDocument/codeAction", [
                "textDocument": ["uri": .string(ServerHarness.uri)],
                "range": ["start": ServerHarness.position(firstLine, 4), "end": ServerHarness.position(firstLine, 4)], "context": ["diagnostics": []],
            ]).get()
            let resolved = try await harness.client.request("codeAction/resolve", try #require(actions[0])).get()
            let edits = try #require(resolved["edit"]?["changes"]?[ServerHarness.uri])
            let body: JSONValue = [
                "range": ["start": ServerHarness.position(firstLine + 3, 0), "end": ServerHarness.position(firstLine + 3, 8)],
                "newText": "    return a + b",
            ]
            #expect(edits == (expectImport ? [Self.importEdit, body] : [body]))
            _ = await harness.stop()
        }
    }

    @Test func theGenerateCommandAppliesTheImportEditWithTheBody() async throws {
        let harness = harness()
        try await harness.start()
        let (result, changes) = try await harness.generateFromDocstring()
        #expect(result["applied"] == true)
        let edits = try #require(changes?.arrayValue)
        #expect(edits.count == 2)
        #expect(edits.first == Self.importEdit)
        #expect(edits.last?["newText"] == "    return a + b")
        _ = await harness.stop()
    }

    /// An inline item has no additional edits: its `cascade.accepted` command carries the
    /// imports, and executing it (after the client inserted the body) applies the import
    /// edit through `workspace/applyEdit`.
    @Test func acceptingAnInlineItemAppliesTheImportEdit() async throws {
        let harness = harness()
        try await harness.start()
        let result = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(line: 3, character: 8)).get()
        let item = try #require(result["items"]?[0])
        #expect(item["insertText"] == "    return a + b")
        let command = try #require(item["command"])
        #expect(command["command"] == "cascade.accepted")
        #expect(command["arguments"] == [["id": "c-1", "uri": .string(ServerHarness.uri), "imports": ["from typing import *"]]])
        // The client inserts the item, then runs its command.
        harness.client.notify("textDocument/didChange", [
            "textDocument": ["uri": .string(ServerHarness.uri), "version": 2],
            "contentChanges": [["range": item["range"]!, "text": item["insertText"]!]],
        ])
        let accepted = try await harness.client.request("workspace/executeCommand", [
            "command": command["command"]!, "arguments": command["arguments"]!,
        ]).get()
        #expect(accepted == .null)
        let apply = try #require(harness.client.serverRequests.first { $0.method == "workspace/applyEdit" })
        #expect(apply.params?["edit"]?["changes"]?[ServerHarness.uri] == [Self.importEdit])
        #expect(await harness.ledger.summary().accepted == 1)
        _ = await harness.stop()
    }

    @Test func anInlineItemInAFileThatHasTheImportOnlyRecordsAcceptance() async throws {
        let harness = harness()
        try await harness.start(open: false)
        harness.openDocument(text: Self.sourceWithImport)
        let result = try await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(line: 5, character: 8)).get()
        let command = try #require(result["items"]?[0]?["command"])
        #expect(command["arguments"] == [["id": "c-1"]])
        // A stale command (the import was typed meanwhile) adds nothing either.
        let accepted = try await harness.client.request("workspace/executeCommand", [
            "command": "cascade.accepted",
            "arguments": [["id": "c-1", "uri": .string(ServerHarness.uri), "imports": ["from typing import *"]]],
        ]).get()
        #expect(accepted == .null)
        #expect(!harness.client.serverRequests.contains { $0.method == "workspace/applyEdit" })
        _ = await harness.stop()
    }
}
