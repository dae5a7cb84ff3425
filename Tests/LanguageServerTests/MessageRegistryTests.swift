import Foundation
import JSONRPC
import Testing
@testable import LanguageServer

/// The method table and what `initialize` advertises agree, and every command decodes as its own type.
@Suite struct MessageRegistryTests {
    @Test func everyAdvertisedCapabilityHasItsHandlerInTheTable() async throws {
        let harness = ServerHarness()
        let answer = try await harness.start()
        let capabilities = try #require(answer["capabilities"])
        let handled = Set(LanguageServer.requestHandlers.keys)
        let advertised: [(capability: String, method: String)] = [
            ("inlineCompletionProvider", InlineCompletionRequest.method),
            ("completionProvider", ListCompletionRequest.method),
            ("codeActionProvider", CodeActionRequest.method),
            ("executeCommandProvider", ExecuteCommandRequest.method),
        ]
        for (capability, method) in advertised {
            #expect(capabilities[capability] != nil, "\(capability)")
            #expect(handled.contains(method), "\(method)")
        }
        #expect(capabilities["codeActionProvider"]?["resolveProvider"] == true && handled.contains(CodeActionResolveRequest.method))
        #expect(capabilities["executeCommandProvider"]?["commands"] == .array(CascadeCommand.all.map(JSONValue.string)))
        #expect(capabilities["textDocumentSync"] == 2)
        for notification in [DidOpenTextDocumentNotification.method, DidChangeTextDocumentNotification.method,
                             DidCloseTextDocumentNotification.method, DidSaveTextDocumentNotification.method] {
            #expect(LanguageServer.notificationHandlers[notification] != nil, "\(notification)")
        }
        _ = await harness.stop()
    }

    @Test func eachCommandDecodesItsArgumentAsItsOwnType() throws {
        func call(_ json: String) throws -> ExecuteCommandRequest.Call {
            try ExecuteCommandRequest.decode(RawJSON(Array(json.utf8))).call
        }
        #expect(try call(#"{"command":"cascade.generateFromDocstring","arguments":[{"uri":"file:///a.py","line":2}]}"#)
            == .generateFromDocstring(GenerateFromDocstringArguments(uri: "file:///a.py", line: 2)))
        #expect(try call(#"{"command":"cascade.accepted","arguments":[{"id":"r1"}]}"#)
            == .accepted(AcceptedArguments(id: "r1", uri: nil, imports: nil)))
        guard case .insertTests(let arguments) = try call(#"{"command":"cascade.insertTests","arguments":[{"uri":"u","tests":["assert f()"]}]}"#) else {
            Issue.record("cascade.insertTests decoded as another command")
            return
        }
        #expect(arguments.uri == "u" && arguments.tests == ["assert f()"] && arguments.line == nil)
    }

    @Test func anUnknownCommandOrAMissingArgumentIsInvalidParamsSayingWhatToSend() {
        #expect(throws: ResponseError(.invalidParams, "unknown command 'cascade.nope'; known: \(CascadeCommand.all.joined(separator: ", "))")) {
            try ExecuteCommandRequest.decode(RawJSON(Array(#"{"command":"cascade.nope","arguments":[]}"#.utf8)))
        }
        do {
            _ = try ExecuteCommandRequest.decode(RawJSON(Array(#"{"command":"cascade.accepted"}"#.utf8)))
            Issue.record("a command without its argument decoded")
        } catch let error as ResponseError {
            #expect(error.code == .invalidParams && error.message.contains("arguments"), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
