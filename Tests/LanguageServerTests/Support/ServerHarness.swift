import Cascade
import Foundation
import JSONRPC
import Testing
@testable import LanguageServer
#if canImport(Glibc)
import Glibc
#endif

/// A `LanguageServer` running in this process on real pipes, with a client on the other ends.
struct ServerHarness {
    let client: LSPTestClient
    let engine: FakeEngine
    let ledger: Ledger
    let exit: Task<Int32, Never>

    static let uri = "file:///tmp/example.py"
    /// Line 3 (0-based) is the body `pass`.
    static let source = "def add(a, b):\n    \"\"\"Add two numbers.\"\"\"\n\n    pass\n"

    /// - Parameters:
    ///   - handler: how the client answers the server's requests.
    ///   - validatesConfiguration: check a configuration the client sends with `ConfigLoader`
    ///     before answering with the fake engine, as `cascade lsp` does; otherwise only
    ///     `{"broken": true}` is refused.
    init(engine: FakeEngine = FakeEngine(), ledgerFile: LedgerFile? = nil, validatesConfiguration: Bool = false,
         handler: @escaping LSPTestClient.ServerRequestHandler = LSPTestClient.defaultHandler) {
        var toServer: [Int32] = [0, 0]
        var fromServer: [Int32] = [0, 0]
        _ = pipe(&toServer)
        _ = pipe(&fromServer)
        let connection = JSONRPCConnection(inputFD: toServer[0], outputFD: fromServer[1], log: { _ in })
        let ledger = Ledger(file: ledgerFile)
        let server = LanguageServer(connection: connection, engineFactory: { options in
            if validatesConfiguration, let options, options != .null, options != .object([:]) {
                _ = try ConfigLoader.decode(value: options)
            }
            if options?["broken"] == true { throw ConfigurationProblem() }
            return engine
        }, ledger: ledger)
        let serverEnds = (toServer[0], fromServer[1])
        exit = Task {
            let code = await server.run()
            close(serverEnds.0)
            close(serverEnds.1)
            return code
        }
        client = LSPTestClient(toServer: toServer[1], fromServer: fromServer[0], handler: handler)
        self.engine = engine
        self.ledger = ledger
    }

    /// `initialize` + `initialized`, and `didOpen` of `source` unless told otherwise.
    @discardableResult
    func start(capabilities: JSONValue = [:], options: JSONValue? = nil, open: Bool = true) async throws -> JSONValue {
        var params: JSONValue = ["processId": nil, "rootUri": nil, "capabilities": capabilities]
        if let options, case .object(var members) = params {
            members["initializationOptions"] = options
            params = .object(members)
        }
        let result = try await client.request("initialize", params).get()
        client.notify("initialized", [:])
        if open { openDocument() }
        return result
    }

    func openDocument(uri: String = ServerHarness.uri, text: String = ServerHarness.source) {
        client.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "python", "version": 1, "text": .string(text)]])
    }

    static func position(_ line: Int, _ character: Int) -> JSONValue {
        ["line": .int(line), "character": .int(character)]
    }

    func inlineParams(line: Int = 3, character: Int = 8, trigger: Int = 1, token: JSONValue? = nil, uri: String = ServerHarness.uri) -> JSONValue {
        var members: [String: JSONValue] = [
            "textDocument": ["uri": .string(uri)], "position": Self.position(line, character),
            "context": ["triggerKind": .int(trigger)],
        ]
        if let token { members["workDoneToken"] = token }
        return .object(members)
    }

    /// `shutdown`, `exit`, and the server's exit code.
    /// Runs `cascade.generateFromDocstring` on `line` of the document: the command's answer,
    /// and the edits of the `workspace/applyEdit` the server sent the client for it.
    func generateFromDocstring(line: Int = 0) async throws -> (result: JSONValue, edits: JSONValue?) {
        let result = try await client.request("workspace/executeCommand", [
            "command": "cascade.generateFromDocstring", "arguments": [["uri": .string(Self.uri), "line": .int(line)]],
        ]).get()
        let apply = try #require(client.serverRequests.first { $0.method == "workspace/applyEdit" })
        return (result, apply.params?["edit"]?["changes"]?[Self.uri])
    }

    func stop() async -> Int32 {
        _ = await client.request("shutdown")
        client.notify("exit")
        let code = await exit.value
        client.closeInput()
        return code
    }
}
