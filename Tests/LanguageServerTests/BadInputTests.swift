import Cascade
import Foundation
import JSONRPC
import Testing
@testable import LanguageServer
#if canImport(Glibc)
import Glibc
#endif

/// Each bad input of issue 5 is answered correctly, then a normal request still works.
@Suite(.timeLimit(.minutes(1))) struct BadInputTests {
    /// A normal request after the bad input: an inline completion that must succeed.
    private func expectStillWorking(_ harness: ServerHarness, sourceLocation: SourceLocation = #_sourceLocation) async {
        let result = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams())
        #expect(result.value?["items"]?[0]?["insertText"] == "    return a + b", sourceLocation: sourceLocation)
    }

    private func started() async throws -> ServerHarness {
        let harness = ServerHarness()
        try await harness.start()
        return harness
    }

    @Test func missingContentLength() async throws {
        let harness = try await started()
        harness.client.sendRaw(Array("Content-Type: application/json\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"shutdown\"}".utf8))
        #expect(await harness.client.nextAnonymousError()?.code == .parseError)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func contentLengthTooShort() async throws {
        let harness = try await started()
        let body = #"{"jsonrpc":"2.0","id":98,"method":"cascade/ledger"}"#
        harness.client.sendRaw(Array("Content-Length: 10\r\n\r\n\(body)".utf8))
        #expect(await harness.client.nextAnonymousError()?.code == .parseError)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func contentLengthTooLong() async throws {
        let harness = try await started()
        let body = #"{"jsonrpc":"2.0","id":97,"method":"cascade/ledger"}"#
        harness.client.sendRaw(Array("Content-Length: 5000\r\n\r\n\(body)".utf8))
        await expectStillWorking(harness)
        #expect(await harness.client.nextAnonymousError()?.code == .parseError)
        _ = await harness.stop()
    }

    @Test func invalidJSON() async throws {
        let harness = try await started()
        harness.client.sendFrame(body: #"{"jsonrpc":"2.0","id":1,"method":"#)
        #expect(await harness.client.nextAnonymousError()?.code == .parseError)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func jsonArray() async throws {
        let harness = try await started()
        harness.client.sendFrame(body: #"[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]"#)
        #expect(await harness.client.nextAnonymousError()?.code == .invalidRequest)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func requestWithoutMethod() async throws {
        let harness = try await started()
        harness.client.sendFrame(body: #"{"jsonrpc":"2.0","id":"no-method","params":{}}"#)
        #expect(await harness.client.answer(to: .string("no-method")).failureCode == .invalidRequest)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func unknownRequestAndUnknownNotification() async throws {
        let harness = try await started()
        harness.client.notify("cascade/noSuchNotification", ["x": 1])
        let unknown = await harness.client.request("cascade/noSuchRequest", [:])
        #expect(unknown.failureCode == .methodNotFound)
        await expectStillWorking(harness)
        #expect(harness.client.anonymousErrorCount == 0)
        _ = await harness.stop()
    }

    @Test func requestBeforeInitialize() async throws {
        let harness = ServerHarness()
        let early = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams())
        #expect(early.failureCode == .serverNotInitialized)
        try await harness.start()
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func paramsOfTheWrongType() async throws {
        let harness = try await started()
        let wrong = await harness.client.request("textDocument/inlineCompletion", [
            "textDocument": ["uri": .string(ServerHarness.uri)], "position": ["line": "three", "character": 0],
        ])
        #expect(wrong.failureCode == .invalidParams)
        #expect(wrong.failureMessage.contains("position.line"))
        let notAnObject = await harness.client.request("textDocument/completion", "just a string")
        #expect(notAnObject.failureCode == .invalidParams)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func positionPastTheEndOfTheDocument() async throws {
        let harness = try await started()
        let past = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(line: 400, character: 0))
        #expect(past.failureCode == .invalidParams)
        #expect(past.failureMessage.contains("past the end of the document"))
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func tenMegabyteMessage() async throws {
        let harness = try await started()
        let big = String(repeating: "# padding line of a large file é😀\n", count: 10_000_000 / 36) + "def add(a, b):\n    \"\"\"Add.\"\"\"\n    pass\n"
        harness.openDocument(uri: "file:///tmp/big.py", text: big)
        let lastLine = big.split(separator: "\n", omittingEmptySubsequences: false).count - 2
        let result = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(line: lastLine, character: 8, uri: "file:///tmp/big.py"))
        #expect(result.value?["items"]?[0] != nil)
        #expect(harness.engine.requests.last?.text.utf8.count == big.utf8.count)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func didChangeForAnUnopenedDocument() async throws {
        let harness = try await started()
        harness.client.notify("textDocument/didChange", [
            "textDocument": ["uri": "file:///tmp/never-opened.py", "version": 2], "contentChanges": [["text": "x"]],
        ])
        let warning = await harness.client.waitForNotification("window/logMessage")
        #expect(warning?["message"]?.stringValue?.contains("not open") == true)
        let completion = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams(uri: "file:///tmp/never-opened.py"))
        #expect(completion.failureCode == .invalidParams)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func aReusedIdOfAPendingRequestIsRefused() async throws {
        var script = FakeEngine.Script()
        script.hang = true
        let harness = ServerHarness(engine: FakeEngine(script))
        try await harness.start()
        var started = harness.engine.started.makeAsyncIterator()
        let body = Message.request(id: .string("dup"), method: "textDocument/inlineCompletion", params: harness.inlineParams()).json.jsonString
        harness.client.sendFrame(body: body)
        _ = await started.next()
        harness.client.sendFrame(body: body)
        #expect(await harness.client.answer(to: .string("dup")).failureCode == .invalidRequest)
        harness.engine.script.hang = false
        harness.client.notify("$/cancelRequest", ["id": "dup"])
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func thousandPipelinedRequests() async throws {
        let harness = try await started()
        let ids = (0..<1000).map { index in
            harness.client.send("textDocument/codeAction", [
                "textDocument": ["uri": .string(ServerHarness.uri)],
                "range": ["start": ServerHarness.position(index % 4, 0), "end": ServerHarness.position(index % 4, 0)], "context": [:],
            ])
        }
        var answered = 0
        for id in ids {
            if case .success(let actions) = await harness.client.answer(to: id), actions.arrayValue?.count == 1 { answered += 1 }
        }
        #expect(answered == 1000)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    // MARK: Numbers in a configuration sent by the client

    @Test func hugeNumbersInInitializationOptionsAreAConfigErrorAndTheServerStillAnswers() async throws {
        let harness = ServerHarness(engine: FakeEngine(), validatesConfiguration: true)
        try await harness.start(options: ["tiers": [["name": "a", "endpoint": "local", "model": .double(1e19), "samples": .double(1e300)]]])
        let shown = await harness.client.waitForNotification(LSPMethod.showMessage)
        let message = shown?["message"]?.stringValue ?? ""
        #expect(message.contains("initializationOptions: tiers[0].model: expected a string, found the number 1e+19"), "\(message)")
        let refused = await harness.client.request("textDocument/inlineCompletion", harness.inlineParams())
        #expect(refused.failureCode == .requestFailed)
        #expect(refused.failureMessage.contains("tiers[0].model"))
        harness.client.notify(DidChangeConfigurationNotification.method, ["settings": ["cascade": ["tiers": [["name": "a", "endpoint": "local", "model": "m"]]]]])
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    @Test func hugeNumbersInDidChangeConfigurationAreErrorsNamingKeyAndRangeAndThePreviousEngineStays() async throws {
        let harness = ServerHarness(engine: FakeEngine(), validatesConfiguration: true)
        try await harness.start()
        // Sent as raw text: 1e400 is a JSON number no Double holds.
        let cases: [(key: String, number: String, says: String)] = [
            ("samples", "1e19", "tiers[0].samples: 1e+19 is out of range — use a whole number from 0 (one greedy answer, no tests) to 64"),
            ("maxTokens", "1e300", "tiers[0].maxTokens: 1e+300 is out of range — use a whole number from 1 to 1000000"),
            ("testLines", "-1e19", "tiers[0].testLines: -1e+19 is out of range — use a whole number from 0 to 64"),
            ("testSamples", "2.5", "tiers[0].testSamples: expected a whole number, found the number 2.5"),
            ("threshold", "1e400", "tiers[0].threshold: a number too large to represent is out of range — use a number from 0 to 1"),
            ("timeoutSeconds", "-1e400", "tiers[0].timeoutSeconds: a negative number too large to represent is out of range"),
        ]
        for (key, number, says) in cases {
            harness.client.sendFrame(body: #"{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":{"cascade":{"tiers":[{"name":"a","endpoint":"local","model":"m","\#(key)":\#(number)}]}}}}"#)
            let shown = await harness.client.waitForNotification(LSPMethod.showMessage) { $0["message"]?.stringValue?.contains(says) == true }
            #expect(shown?["message"]?.stringValue?.contains("keeping the previous configuration") == true, "\(key) = \(number)")
            await expectStillWorking(harness)
        }
        _ = await harness.stop()
    }

    // MARK: Framing

    @Test func anOversizedContentLengthWithNoBodyIsAnsweredAndTheServerStillHears() async throws {
        let harness = try await started()
        harness.client.sendRaw(Array("Content-Length: 67108865\r\n\r\n".utf8))
        let error = await harness.client.nextAnonymousError()
        #expect(error?.code == .parseError)
        #expect(error?.message.contains("exceeds the limit of 67108864 bytes") == true)
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    /// Seeded garbage (mutated frames, wrong lengths, noise) before every request: each
    /// request after it is answered, and the server still completes at the end.
    @Test func seededGarbageNeverStopsTheServerAnsweringTheRequestAfterIt() async throws {
        let harness = try await started()
        var garbage = GarbageFrames(seed: 0x5EED_CA5C)
        let actionParams: JSONValue = [
            "textDocument": ["uri": .string(ServerHarness.uri)],
            "range": ["start": ServerHarness.position(3, 0), "end": ServerHarness.position(3, 0)], "context": [:],
        ]
        for round in 0..<200 {
            harness.client.sendRaw(garbage.next(params: actionParams))
            let id = RequestID.string("valid-\(round)")
            harness.client.sendFrame(body: Message.request(id: id, method: "textDocument/codeAction", params: actionParams).json.jsonString)
            let answer = await harness.client.answer(to: id)
            #expect(answer.value?.arrayValue?.count == 1, "round \(round): \(answer)")
            if answer.value == nil { break }
        }
        await expectStillWorking(harness)
        _ = await harness.stop()
    }

    // MARK: The real binary

    @Test func theRealServerAnswersAfterAnOversizedContentLengthWithNoBody() async throws {
        let server = try RealLSPProcess()
        defer { server.remove() }
        _ = try await server.client.request("initialize", ["processId": nil, "rootUri": nil, "capabilities": [:]]).get()
        server.client.notify("initialized", [:])
        server.client.sendRaw(Array("Content-Length: 67108865\r\n\r\n".utf8))
        #expect(await server.client.nextAnonymousError()?.message.contains("exceeds the limit") == true)
        #expect(await server.client.request("cascade/noSuchRequest").failureCode == .methodNotFound)
        #expect(await server.stop() == 0)
    }

    @Test func theRealServerSurvivesHugeNumbersInInitializationOptions() async throws {
        let server = try RealLSPProcess()
        defer { server.remove() }
        _ = try await server.client.request("initialize", [
            "processId": nil, "rootUri": nil, "capabilities": [:],
            "initializationOptions": ["tiers": [["name": "a", "endpoint": "local", "model": "m", "samples": .double(1e19)]]],
        ]).get()
        server.client.notify("initialized", [:])
        let shown = await server.client.waitForNotification(LSPMethod.showMessage)
        #expect(shown?["message"]?.stringValue?.contains("tiers[0].samples: 1e+19 is out of range — use a whole number from 0") == true, "\(String(describing: shown))")
        #expect(await server.client.request("cascade/noSuchRequest").failureCode == .methodNotFound)
        #expect(await server.stop() == 0)
    }
}


/// Seeded garbage for the server: valid frames of harmless methods, mutated (flipped
/// bytes, truncation, wrong, huge, negative and non-numeric lengths, NULs, invalid UTF-8,
/// deep nesting), and plain noise. No method in it ends or reconfigures the session.
struct GarbageFrames {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64.
    private mutating func nextRandom() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(nextRandom() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    private static func frame(_ body: [UInt8]) -> [UInt8] { Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body }

    mutating func next(params: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<int(1...3) {
            let methods = ["textDocument/codeAction", "cascade/noSuchRequest", "$/cancelRequest", "cascade/noSuchNotification"]
            var members: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(methods[int(0...3)]), "params": params]
            if int(0...9) < 7 { members["id"] = .int(int(0...1_000_000)) }
            let body = JSONValue.object(members).serialized()
            var bytes = Self.frame(body)
            switch int(0...8) {
            case 0: for _ in 0..<int(1...8) { bytes[int(0...(bytes.count - 1))] ^= UInt8(int(1...255)) }
            case 1: bytes = Array(bytes.prefix(int(0...(bytes.count - 1))))
            case 2: bytes = Array("Content-Length: \([67_108_865, Int.max, body.count + int(1...500)][int(0...2)])\r\n\r\n".utf8) + (int(0...1) == 0 ? body : [])
            case 3: bytes = Array("Content-Length: \(["-1", "abc", "", String(repeating: "9", count: 40)][int(0...3)])\r\n\r\n".utf8) + body
            case 4: bytes = Array("Content-Length: \(int(0...max(0, body.count - 1)))\r\n\r\n".utf8) + body
            case 5: for _ in 0..<int(1...4) { bytes.insert(0, at: int(0...bytes.count)) }
            case 6: bytes = Self.frame(Array(#"{"jsonrpc":"2.0","id":1,"method":""#.utf8) + [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80] + Array(#""}"#.utf8))
            case 7: bytes = Self.frame(Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8))
            default: bytes = (0..<int(0...200)).map { _ in UInt8(int(0...255)) }
            }
            out += bytes
        }
        return out
    }
}

/// `cascade lsp` as an editor starts it, on a config whose only tier is never reached,
/// with its own CASCADE_HOME.
final class RealLSPProcess {
    let client: LSPTestClient
    let process: Process
    let home: URL
    /// Kills a hung server so the waits end ("server closed its output") instead of hanging the run.
    private let watchdog: Task<Void, Never>

    init() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-bad-input-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let configPath = home.appendingPathComponent("config.json").path
        try Data(#"{"tiers": [{"name": "a", "endpoint": "http://127.0.0.1:9/v1", "model": "m"}]}"#.utf8).write(to: URL(fileURLWithPath: configPath))
        var environment = ProcessInfo.processInfo.environment
        environment["CASCADE_HOME"] = home.path
        environment.removeValue(forKey: "CASCADE_CONFIG")
        (client, process) = try LSPTestClient.launch(executable: try RealBinary.path(), arguments: ["lsp", "--config", configPath], environment: environment)
        let process = process
        watchdog = Task.detached {
            try? await Task.sleep(for: .seconds(40))
            guard !Task.isCancelled, process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
        }
    }

    /// `shutdown`, `exit`; the exit code.
    func stop() async -> Int32 {
        _ = await client.request("shutdown")
        client.notify("exit")
        await client.waitForEnd()
        process.waitUntilExit()
        client.closeInput()
        return process.terminationStatus
    }

    func remove() {
        watchdog.cancel()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: home)
    }
}
