import Foundation
import Testing
@testable import JSONRPC
#if canImport(Glibc)
import Glibc
#endif

/// A connection wired to two pipes, with the far ends held by the test.
private final class PipePair: Sendable {
    let connection: JSONRPCConnection
    let toConnection: Int32
    let fromConnection: Int32
    private let ends: [Int32]

    init() {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        _ = pipe(&input)
        _ = pipe(&output)
        connection = JSONRPCConnection(inputFD: input[0], outputFD: output[1], log: { _ in })
        toConnection = input[1]
        fromConnection = output[0]
        ends = [input[0], output[1], output[0]]
    }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = Glibc.write(toConnection, $0.baseAddress, $0.count) }
    }

    func writeFrame(_ json: String) {
        write(Array("Content-Length: \(json.utf8.count)\r\n\r\n\(json)".utf8))
    }

    /// Reads frames until `count` messages arrived, on a thread of its own: a blocking
    /// read on one of the cooperative pool's few threads could starve the tasks it waits for.
    func readMessages(_ count: Int) async throws -> [JSONValue] {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.readMessagesBlocking(count) }) }.start()
        }
    }

    private func readMessagesBlocking(_ count: Int) throws -> [JSONValue] {
        var parser = FrameParser()
        var messages: [JSONValue] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while messages.count < count {
            let n = read(fromConnection, &chunk, chunk.count)
            if n <= 0 { break }
            for case .message(let body) in parser.append(chunk[0..<n]) { messages.append(try JSONValue.parse(body)) }
        }
        return messages
    }

    func closeInput() { close(toConnection) }

    deinit { for fd in ends + [fromConnection] { close(fd) } }
}

@Suite struct ConnectionTests {
    @Test(.timeLimit(.minutes(1))) func badInputIsAnsweredAndGoodInputStillFlows() async throws {
        let pair = PipePair()
        pair.connection.start()
        pair.writeFrame("{not json")
        pair.writeFrame("[1,2,3]")
        pair.writeFrame(#"{"jsonrpc":"2.0","id":9,"params":{}}"#)
        pair.writeFrame(#"{"jsonrpc":"2.0","id":10,"method":"ping"}"#)
        let answers = try await pair.readMessages(3)
        #expect(answers.map { $0["error"]?["code"]?.intValue } == [-32700, -32600, -32600])
        #expect(answers[0]["id"] == .null && answers[2]["id"] == .int(9))
        var iterator = pair.connection.incoming.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first == .request(id: .int(10), method: "ping", params: nil))
        pair.closeInput()
        #expect(await iterator.next() == nil)
    }

    @Test(.timeLimit(.minutes(1))) func outgoingRequestsAwaitTheirAnswers() async throws {
        let pair = PipePair()
        pair.connection.start()
        let answer = Task { try await pair.connection.request("window/workDoneProgress/create", ["token": "t"]) }
        let sent = try await pair.readMessages(1)[0]
        #expect(sent["method"] == "window/workDoneProgress/create")
        let id = try #require(sent["id"])
        pair.writeFrame(#"{"jsonrpc":"2.0","id":\#(id.jsonString),"result":{"ok":true}}"#)
        let value = try await answer.value
        #expect(value == ["ok": true])
        pair.closeInput()
    }

    @Test(.timeLimit(.minutes(1))) func pendingOutgoingRequestsFailWhenInputEnds() async throws {
        let pair = PipePair()
        pair.connection.start()
        let answer = Task { try await pair.connection.request("x") }
        _ = try await pair.readMessages(1)
        pair.closeInput()
        await #expect(throws: ResponseError.self) { try await answer.value }
    }

    @Test(.timeLimit(.minutes(1))) func writesKeepTheirOrder() async throws {
        let pair = PipePair()
        for index in 0..<500 { pair.connection.notify("n", ["i": .int(index)]) }
        let messages = try await pair.readMessages(500)
        #expect(messages.map { $0["params"]?["i"]?.intValue ?? -1 } == Array(0..<500))
        pair.closeInput()
    }
}
