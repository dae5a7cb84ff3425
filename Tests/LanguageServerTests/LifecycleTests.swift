import Cascade
import JSONRPC
import Testing
@testable import LanguageServer

@Suite(.timeLimit(.minutes(1))) struct LifecycleTests {
    @Test func initializeAnnouncesTheContractCapabilitiesAndShutdownExitsZero() async throws {
        let harness = ServerHarness()
        let result = try await harness.start(open: false)
        let capabilities = try #require(result["capabilities"])
        #expect(capabilities["textDocumentSync"] == 2)
        #expect(capabilities["positionEncoding"] == "utf-16")
        #expect(capabilities["inlineCompletionProvider"] != nil)
        #expect(capabilities["completionProvider"] != nil)
        #expect(capabilities["codeActionProvider"]?["resolveProvider"] == true)
        #expect(capabilities["executeCommandProvider"]?["commands"] == ["cascade.generateFromDocstring", "cascade.insertTests", "cascade.accepted"])
        #expect(await harness.stop() == 0)
    }

    @Test func utf8IsChosenWhenTheClientOffersIt() async throws {
        let harness = ServerHarness()
        let result = try await harness.start(capabilities: ["general": ["positionEncodings": ["utf-8", "utf-16"]]], open: false)
        #expect(result["capabilities"]?["positionEncoding"] == "utf-8")
        _ = await harness.stop()
    }

    @Test func exitWithoutShutdownExitsOne() async throws {
        let harness = ServerHarness()
        try await harness.start(open: false)
        harness.client.notify("exit")
        #expect(await harness.exit.value == 1)
        harness.client.closeInput()
    }

    @Test func endOfInputEndsTheServer() async throws {
        let harness = ServerHarness()
        try await harness.start(open: false)
        harness.client.closeInput()
        #expect(await harness.exit.value == 1)
        await harness.client.waitForEnd()
    }

    @Test func requestsAfterShutdownAreRefused() async throws {
        let harness = ServerHarness()
        try await harness.start()
        _ = try await harness.client.request("shutdown").get()
        let after = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams())
        #expect(after.failureCode == ErrorCode.invalidRequest)
        harness.client.notify("exit")
        #expect(await harness.exit.value == 0)
        harness.client.closeInput()
    }

    @Test func aBadConfigIsShownAndAReloadFixesIt() async throws {
        let harness = ServerHarness()
        try await harness.start(options: ["broken": true])
        let message = await harness.client.waitForNotification("window/showMessage")
        #expect(message?["type"] == 1)
        #expect(message?["message"]?.stringValue?.contains("unknown key 'broken'") == true)
        let refused = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams())
        #expect(refused.failureCode == ErrorCode.requestFailed)
        #expect(refused.failureMessage.contains("unknown key 'broken'"))
        harness.client.notify("workspace/didChangeConfiguration", ["settings": ["cascade": ["tiers": []]]])
        let fixed = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams())
        #expect(fixed.value?["items"]?[0] != nil)
        _ = await harness.stop()
    }
}

extension Result where Success == JSONValue, Failure == ResponseError {
    var failureCode: ErrorCode? {
        if case .failure(let error) = self { return error.code }
        return nil
    }

    var failureMessage: String {
        if case .failure(let error) = self { return error.message }
        return ""
    }

    var value: JSONValue? {
        if case .success(let value) = self { return value }
        return nil
    }
}
