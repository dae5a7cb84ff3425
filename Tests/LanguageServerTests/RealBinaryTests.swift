import Foundation
import JSONRPC
import Testing

/// The real `cascade lsp` as a child process, through the same test client.
///
/// Runs only when `CASCADE_LSP_BINARY` names the built `cascade` executable, e.g.
/// `CASCADE_LSP_BINARY=.build/debug/cascade swift test --filter RealBinaryTests`.
@Suite(.timeLimit(.minutes(1)), .enabled(if: RealBinary.path != nil, "set CASCADE_LSP_BINARY to the built cascade executable to run these"))
struct RealBinaryTests {
    @Test func lifecycleAndBadInputOverStdio() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ProcessInfo.processInfo.environment
        environment["CASCADE_HOME"] = home.path
        let (client, process) = try LSPTestClient.launch(executable: try #require(RealBinary.path), environment: environment)
        let early = await client.request("cascade/ledger")
        #expect(early.failureCode == .serverNotInitialized)
        let initialize = try await client.request("initialize", ["processId": nil, "rootUri": nil, "capabilities": [:]]).get()
        #expect(initialize["capabilities"]?["textDocumentSync"] == 2)
        client.notify("initialized", [:])
        client.sendFrame(body: "{oops")
        #expect(await client.nextAnonymousError()?.code == .parseError)
        client.sendFrame(body: "[]")
        #expect(await client.nextAnonymousError()?.code == .invalidRequest)
        client.sendRaw(Array("Content-Type: x\r\n\r\n{}".utf8))
        #expect(await client.nextAnonymousError()?.code == .parseError)
        #expect(await client.request("no/such/method").failureCode == .methodNotFound)
        let ledger = try await client.request("cascade/ledger").get()
        #expect(ledger["requests"] == 0)
        _ = try await client.request("shutdown").get()
        client.notify("exit")
        await client.waitForEnd()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        client.closeInput()
    }
}

/// Where the real binary is, from `CASCADE_LSP_BINARY`; says loudly when it is not set.
enum RealBinary {
    static let path: String? = {
        let path = ProcessInfo.processInfo.environment["CASCADE_LSP_BINARY"]
        if path == nil {
            print("RealBinaryTests SKIPPED: set CASCADE_LSP_BINARY=.build/debug/cascade to drive the real `cascade lsp`")
        }
        return path
    }()
}
