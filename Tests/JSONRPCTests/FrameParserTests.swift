import Testing
@testable import JSONRPC

private func frame(_ body: String, length: Int? = nil) -> [UInt8] {
    Array("Content-Length: \(length ?? body.utf8.count)\r\n\r\n\(body)".utf8)
}

@Suite struct FrameParserTests {
    @Test func splitsFramesDeliveredOneByteAtATime() {
        var parser = FrameParser()
        var events: [FrameParser.Event] = []
        for byte in frame("{\"a\":1}") + frame("{\"b\":2}") { events += parser.append([byte]) }
        #expect(events == [.message(Array("{\"a\":1}".utf8)), .message(Array("{\"b\":2}".utf8))])
        #expect(parser.pendingByteCount == 0)
    }

    @Test func acceptsOtherHeadersAndAnyCase() {
        var parser = FrameParser()
        let bytes = Array("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8)
        #expect(parser.append(bytes) == [.message(Array("{}".utf8))])
    }

    @Test func missingContentLengthIsReportedOnceAndTheNextFrameStillParses() {
        var parser = FrameParser()
        let events = parser.append(Array("Content-Type: x\r\n\r\n{\"lost\":true}".utf8) + frame("{}"))
        #expect(events.count == 2)
        guard case .framingError = events[0] else { Issue.record("expected a framing error first"); return }
        #expect(events[1] == .message(Array("{}".utf8)))
    }

    @Test func tooShortLengthYieldsATruncatedBodyThenRecovers() {
        var parser = FrameParser()
        let events = parser.append(frame("{\"abc\":1}", length: 4) + frame("{}"))
        #expect(events == [.message(Array("{\"ab".utf8)), .message(Array("{}".utf8))])
    }

    @Test func tooLongLengthRecoversAtTheNextHeader() {
        var parser = FrameParser()
        var events = parser.append(frame("{\"a\":1}", length: 500))
        #expect(events.isEmpty)
        events = parser.append(frame("{}"))
        #expect(events.count == 2)
        guard case .framingError = events.first else { Issue.record("expected a framing error"); return }
        #expect(events.last == .message(Array("{}".utf8)))
    }

    @Test func nonNumericLengthIsAFramingError() {
        var parser = FrameParser()
        let events = parser.append(Array("Content-Length: twelve\r\n\r\n".utf8) + frame("{}"))
        #expect(events.count == 2)
        #expect(events.last == .message(Array("{}".utf8)))
    }

    @Test func headerTextInsideAStringDoesNotSplitABody() {
        var parser = FrameParser()
        let body = "{\"text\":\"Content-Length: 5\\r\\n\\r\\nhello\"}"
        let bytes = frame(body)
        var events = parser.append(bytes.prefix(30))
        events += parser.append(bytes.dropFirst(30))
        #expect(events == [.message(Array(body.utf8))])
    }

    @Test func oversizedBodyIsSkippedNotBuffered() {
        var parser = FrameParser(maximumBodyBytes: 10)
        let events = parser.append(frame("{\"long\":\"0123456789\"}") + frame("{}"))
        #expect(events.count == 2)
        #expect(events.last == .message(Array("{}".utf8)))
    }
}

@Suite struct MessageTests {
    @Test func classifiesRequestsNotificationsAndResponses() throws {
        #expect(try Message.classify(JSONValue.parse(Array(#"{"jsonrpc":"2.0","id":"x","method":"m","params":{}}"#.utf8))).get()
            == .request(id: .string("x"), method: "m", params: [:]))
        #expect(try Message.classify(JSONValue.parse(Array(#"{"jsonrpc":"2.0","method":"n"}"#.utf8))).get()
            == .notification(method: "n", params: nil))
        #expect(try Message.classify(JSONValue.parse(Array(#"{"jsonrpc":"2.0","id":3,"result":null}"#.utf8))).get()
            == .response(id: .int(3), result: .success(.null)))
    }

    @Test func rejectsArraysAndRequestsWithoutMethod() throws {
        let array = Message.classify(try JSONValue.parse(Array("[1,2]".utf8)))
        #expect(throws: InvalidMessage.self) { try array.get() }
        if case .failure(let invalid) = array { #expect(invalid.error.code == .invalidRequest && invalid.id == nil) }
        let noMethod = Message.classify(try JSONValue.parse(Array(#"{"jsonrpc":"2.0","id":7,"params":{}}"#.utf8)))
        if case .failure(let invalid) = noMethod {
            #expect(invalid.id == .int(7) && invalid.error.code == .invalidRequest)
        } else {
            Issue.record("a request without a method must be invalid")
        }
    }

    @Test func serializationRoundTripsUnicodeAndEscapes() throws {
        let value: JSONValue = ["s": "tab\t \"quote\" \\ é 😀 \u{1}", "n": 1.5, "i": -3, "b": true, "z": nil, "a": [1, "2"]]
        #expect(try JSONValue.parse(value.serialized()) == value)
    }
}

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func parsesEveryKindOfValue() throws {
        #expect(try parse(#" {"a": [1, -2.5, 3e2, true, false, null, "x"], "b": {}} "#)
            == ["a": [1, -2.5, 300.0, true, false, nil, "x"], "b": [:]])
        #expect(try parse("9223372036854775807") == .int(Int.max))
        #expect(try parse("92233720368547758080") == .double(92233720368547758080.0))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == "a\"b\\c/d\n\té😀")
        #expect(try parse(#""\ud83d""#) == "\u{FFFD}")
    }

    @Test func rejectsWhatJSONDoesNotAllow() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"raw\u{1}\"", "{} x", "'single'", "\"\\x\""] {
            #expect(throws: JSONConversionError.self, "\(bad)") { try parse(bad) }
        }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONConversionError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? parse(fine)) != nil)
    }

    @Test func agreesWithJSONEncoderOutput() throws {
        struct Sample: Codable { var name = "é😀\n"; var values = [1.5, 2, -0.001]; var flag = true; var nested = ["k": 3] }
        let value = try JSONValue(encoding: Sample())
        #expect(value == ["name": "é😀\n", "values": [1.5, 2, -0.001], "flag": true, "nested": ["k": 3]])
        let back = try value.decode(Sample.self)
        #expect(back.name == "é😀\n" && back.values == [1.5, 2, -0.001])
    }
}
