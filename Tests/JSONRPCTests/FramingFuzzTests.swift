import Foundation
import Testing
@testable import JSONRPC
#if canImport(Glibc)
import Glibc
#endif

/// SplitMix64: a tiny seeded generator, so every run of the fuzz tests sees the same inputs
/// and a failure can be replayed from its seed and case number.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random and mutated JSON-RPC traffic: valid frames with flipped bytes, truncations,
/// huge, negative and garbage lengths, deep nesting, invalid UTF-8 and NUL bytes.
struct FrameFuzzer {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    mutating func string() -> String {
        let pieces = ["a", "é", "😀", "\\\"", "\n", "\u{0}", "Content-Length: 12\r\n\r\n", " ", "\\", "x", "{", "]"]
        return (0..<int(0...8)).map { _ in pieces[int(0...(pieces.count - 1))] }.joined()
    }

    /// A random JSON value (only whole numbers and strings at the leaves, so it round-trips exactly).
    mutating func value(depth: Int = 0) -> JSONValue {
        switch int(depth > 4 ? 0...3 : 0...5) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return .int(int(-1_000_000...1_000_000))
        case 3: return .string(string())
        case 4: return .array((0..<int(0...4)).map { _ in value(depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<int(0...4) { members[string()] = value(depth: depth + 1) }
            return .object(members)
        }
    }

    /// A well-formed message body of one of the shapes a client sends.
    mutating func validBody(methods: [String]) -> [UInt8] {
        var members: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(methods[int(0...(methods.count - 1))])]
        if chance(70) { members["id"] = .int(int(0...1_000_000)) }
        if chance(80) { members["params"] = .object(["x": value(), "textDocument": ["uri": "file:///tmp/fuzz.py"]]) }
        return JSONValue.object(members).serialized()
    }

    static func frame(_ body: [UInt8]) -> [UInt8] { Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body }

    /// One piece of garbage: mostly a valid frame made invalid in one of several ways.
    mutating func garbage(methods: [String]) -> [UInt8] {
        var bytes = Self.frame(validBody(methods: methods))
        switch int(0...11) {
        case 0: // flipped bytes anywhere, header included
            for _ in 0..<int(1...8) { bytes[int(0...(bytes.count - 1))] ^= UInt8(int(1...255)) }
        case 1: // truncated
            bytes = Array(bytes.prefix(int(0...(bytes.count - 1))))
        case 2: // the length too large, up to past the limit, with or without a body
            let length = [67_108_865, Int.max, int(1...5000), 64 << 20][int(0...3)]
            bytes = Array("Content-Length: \(length)\r\n\r\n".utf8) + (chance(50) ? Array(bytes.drop { $0 != UInt8(ascii: "{") }) : [])
        case 3: // negative, garbage, overflowing or missing lengths
            let value = ["-1", "-99999999999999999999", "abc", "", "0x10", "1e3", String(repeating: "9", count: 60), "12 34"][int(0...7)]
            bytes = Array("Content-Length: \(value)\r\n\r\n".utf8) + bytes.drop { $0 != UInt8(ascii: "{") }
        case 4: // the length too small
            let body = Array(bytes.drop { $0 != UInt8(ascii: "{") })
            bytes = Array("Content-Length: \(int(0...max(0, body.count - 1)))\r\n\r\n".utf8) + body
        case 5: // nested deeper than the parser allows, or nearly
            let depth = [511, 512, 513, 3000][int(0...3)]
            let open = chance(50) ? "[" : "{\"a\":"
            let close = open == "[" ? "]" : "}"
            let body = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            bytes = Self.frame(Array(body.utf8))
        case 6: // invalid UTF-8 in a body
            let body = Array(#"{"jsonrpc":"2.0","method":""#.utf8) + [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xF8] + Array(#""}"#.utf8)
            bytes = Self.frame(body)
        case 7: // NUL bytes, in the header or the body
            for _ in 0..<int(1...4) { bytes.insert(0, at: int(0...bytes.count)) }
        case 8: // pure noise
            bytes = (0..<int(0...300)).map { _ in UInt8(int(0...255)) }
        case 9: // a header with no blank line after it, or only CRs
            bytes = Array("Content-Length: 10\r\nContent-Type: x\r\n\r".utf8) + (chance(50) ? [13, 13, 10] : [])
        case 10: // valid JSON that is not a request
            let body = ["[]", "[1,2]", "null", "\"x\"", "1e999", "-0", "{\"id\":{}}", "{\"id\":1e300,\"method\":\"x\"}", "{\"method\":7}", "{\"id\":1,\"result\":1}"][int(0...9)]
            bytes = Self.frame(Array(body.utf8))
        default: // a random JSON value of any shape
            bytes = Self.frame(value().serialized())
        }
        return bytes
    }
}

@Suite(.timeLimit(.minutes(1))) struct FramingFuzzTests {
    /// The same methods the server-level fuzz uses: none of them ends the session.
    static let methods = ["textDocument/codeAction", "cascade/noSuchRequest", "$/cancelRequest", "cascade/noSuchNotification"]

    /// Thousands of garbage frames fed in random chunks, each followed by a valid frame:
    /// nothing traps, the buffer stays bounded, and the valid frame always comes out whole.
    @Test func garbageNeverCrashesTheParserAndAValidFrameAfterItAlwaysParses() throws {
        var fuzzer = FrameFuzzer(seed: 0xC45C_ADE)
        var parser = FrameParser(maximumBodyBytes: 1 << 20)
        for round in 0..<3000 {
            var input: [UInt8] = []
            for _ in 0..<fuzzer.int(1...3) { input += fuzzer.garbage(methods: Self.methods) }
            let marker = "valid-\(round)"
            let valid = JSONValue.object(["jsonrpc": "2.0", "id": .string(marker), "method": "cascade/ledger"]).serialized()
            input += FrameFuzzer.frame(valid)
            var events: [FrameParser.Event] = []
            var offset = 0
            while offset < input.count {
                let size = min(input.count - offset, fuzzer.chance(20) ? 1 : fuzzer.int(1...512))
                events += parser.append(input[offset..<(offset + size)])
                offset += size
            }
            for case .message(let body) in events {
                if let json = try? JSONValue.parse(body) { _ = Message.classify(json) }
            }
            #expect(events.last == .message(valid), "round \(round): the valid frame after the garbage was lost")
            #expect(parser.pendingByteCount == 0, "round \(round)")
            if events.last != .message(valid) { return }
        }
    }

    @Test func theJSONParserRejectsOrReadsEveryMutationWithoutTrapping() {
        var fuzzer = FrameFuzzer(seed: 0x15_0A_2E)
        var parsed = 0
        for _ in 0..<4000 {
            var bytes = fuzzer.value().serialized()
            if !bytes.isEmpty {
                switch fuzzer.int(0...4) {
                case 0: bytes[fuzzer.int(0...(bytes.count - 1))] ^= UInt8(fuzzer.int(1...255))
                case 1: bytes = Array(bytes.prefix(fuzzer.int(0...(bytes.count - 1))))
                case 2: bytes.insert([0, 0xFF, 0xC0, 0x80, 0xED][fuzzer.int(0...4)], at: fuzzer.int(0...bytes.count))
                case 3: bytes.insert(contentsOf: Array(["1e999", "-", "[", "{\"\":", "\\u", "\"\\ud800\"", ","][fuzzer.int(0...6)].utf8), at: fuzzer.int(0...bytes.count))
                default: break
                }
            }
            if let value = try? JSONValue.parse(bytes) {
                parsed += 1
                _ = value.serialized()
                _ = Message.classify(value)
                _ = value["id"].flatMap(RequestID.init(json:))
                _ = value.intValue
            }
        }
        #expect(parsed > 0)
    }

    @Test func unmutatedValuesRoundTripExactly() throws {
        var fuzzer = FrameFuzzer(seed: 7)
        for index in 0..<1000 {
            let value = fuzzer.value()
            #expect(try JSONValue.parse(value.serialized()) == value, "value \(index)")
        }
    }

    @Test func hugeNumbersInIdsAndParamsNeverTrap() throws {
        for text in ["1e19", "-1e19", "1e300", "1e999", "-1e999", "9223372036854775808", "-9223372036854775809", "4.5", "1e-999"] {
            let value = try JSONValue.parse(Array("{\"jsonrpc\":\"2.0\",\"id\":\(text),\"method\":\"m\",\"params\":{\"n\":\(text)}}".utf8))
            _ = Message.classify(value)
            _ = value["params"]?["n"]?.intValue
            _ = value["params"]?["n"]?.jsonString
            _ = try? value["params"]?.decode([String: Int].self)
            _ = RequestID(json: value["id"] ?? .null)
        }
        #expect(RequestID(json: .double(1e19)) == nil && RequestID(json: .double(-.infinity)) == nil)
    }

    /// The connection on real pipes: garbage in, then a request that must come out of
    /// `incoming`, every time; error replies are drained so the writer never blocks.
    @Test func aConnectionFedGarbageStillDeliversTheRequestAfterIt() async throws {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        try #require(pipe(&input) == 0 && pipe(&output) == 0)
        let connection = JSONRPCConnection(inputFD: input[0], outputFD: output[1], log: { _ in })
        let drain = Thread { [reader = output[0]] in
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while read(reader, &chunk, chunk.count) > 0 {}
            close(reader)
        }
        drain.start()
        connection.start()
        let writer = input[1]
        var fuzzer = FrameFuzzer(seed: 0xF00D)
        var incoming = connection.incoming.makeAsyncIterator()
        for round in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<fuzzer.int(1...3) { bytes += fuzzer.garbage(methods: ["cascade/noSuchNotification"]) }
            // Garbage may hold valid notifications; the request is told apart by its id.
            bytes += FrameFuzzer.frame(Message.request(id: .string("valid-\(round)"), method: "cascade/ping", params: nil).json.serialized())
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(writer, raw.baseAddress! + offset, raw.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            var delivered = false
            while let message = await incoming.next() {
                if case .request(.string("valid-\(round)"), "cascade/ping", _) = message { delivered = true; break }
            }
            #expect(delivered, "round \(round)")
            if !delivered { break }
        }
        close(writer)
        while await incoming.next() != nil {}
        connection.flush()
        close(output[1])
        close(input[0])
    }
}
