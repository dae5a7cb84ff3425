import Testing
@testable import JSONRPC

private func frame(_ body: String, length: Int? = nil) -> [UInt8] {
    Array("Content-Length: \(length ?? body.utf8.count)\r\n\r\n\(body)".utf8)
}

private func isFramingError(_ event: FrameParser.Event?, containing words: String) -> Bool {
    if case .framingError(let reason) = event { return reason.contains(words) }
    return false
}

/// A frame that cannot be read costs that frame only: the parser never ends up discarding
/// or buffering everything that follows.
@Suite(.timeLimit(.minutes(1))) struct FramingRecoveryTests {
    @Test func anOversizedLengthWithNoBodyDoesNotSwallowTheNextFrame() {
        var parser = FrameParser()
        let events = parser.append(Array("Content-Length: 67108865\r\n\r\n".utf8))
        #expect(events.count == 1)
        #expect(isFramingError(events.first, containing: "67108865 bytes exceeds the limit of 67108864 bytes"))
        #expect(parser.append(frame(#"{"id":1}"#)) == [.message(Array(#"{"id":1}"#.utf8))])
        #expect(parser.append(frame(#"{"id":2}"#)) == [.message(Array(#"{"id":2}"#.utf8))])
        #expect(parser.pendingByteCount == 0)
    }

    @Test func anOversizedLengthWithNoBodyRecoversWhenTheNextFrameArrivesByteByByte() {
        var parser = FrameParser()
        var events = parser.append(Array("Content-Length: 67108865\r\n\r\n".utf8))
        for byte in frame(#"{"id":1}"#) { events += parser.append([byte]) }
        #expect(events.count == 2)
        #expect(events.last == .message(Array(#"{"id":1}"#.utf8)))
    }

    @Test func anOversizedBodyThatArrivesIsSkippedAndTheFrameAfterItParses() {
        var parser = FrameParser(maximumBodyBytes: 100)
        let big = "{\"text\":\"" + String(repeating: "content-length: 12 ", count: 20) + "\"}"
        var events = parser.append(frame(big).prefix(70))
        events += parser.append(frame(big).dropFirst(70) + frame("{}"))
        #expect(events.count == 2)
        #expect(isFramingError(events.first, containing: "exceeds the limit of 100 bytes"))
        #expect(events.last == .message(Array("{}".utf8)))
    }

    @Test func aLengthTooLargeForAnIntIsSkippedAsOversized() {
        var parser = FrameParser()
        let events = parser.append(Array("Content-Length: 99999999999999999999999999\r\n\r\n".utf8) + frame("{}"))
        #expect(events.count == 2)
        #expect(isFramingError(events.first, containing: "a Content-Length of 26 digits exceeds the limit"))
        #expect(events.last == .message(Array("{}".utf8)))
    }

    @Test func aNegativeLengthIsNamedAndTheNextFrameParses() {
        var parser = FrameParser()
        let events = parser.append(Array("Content-Length: -5\r\n\r\n".utf8) + frame("{}"))
        #expect(events.count == 2)
        #expect(isFramingError(events.first, containing: "not a number of bytes (got \"-5\")"))
        #expect(events.last == .message(Array("{}".utf8)))
    }

    @Test func aTooLongLengthWhoseBodyMentionsContentLengthStillRecoversAtTheRealHeader() {
        var parser = FrameParser()
        let body = #"{"text":"Content-Length: 5 is a header"}"#
        var events = parser.append(frame(body, length: 5000))
        events += parser.append(frame("{}"))
        #expect(events.count == 2)
        #expect(isFramingError(events.first, containing: "larger than the message"))
        #expect(events.last == .message(Array("{}".utf8)))
    }

    @Test func aLengthThatEndsInsideTheNextHeaderDoesNotEatTheNextFrame() {
        var parser = FrameParser()
        // 30 bytes claimed, 10 sent: the body would end 20 bytes into the next frame's header.
        let events = parser.append(frame("0123456789", length: 30) + frame(#"{"id":1}"#))
        #expect(events.count == 2)
        #expect(isFramingError(events.first, containing: "larger than the message"))
        #expect(events.last == .message(Array(#"{"id":1}"#.utf8)))
    }

    @Test func junkWithoutAHeaderIsDroppedNotBufferedForever() {
        var parser = FrameParser()
        var events: [FrameParser.Event] = []
        let junk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 14)
        for _ in 0..<40 { events += parser.append(junk) }
        #expect(parser.pendingByteCount <= FrameParser.maximumHeaderBytes)
        #expect(!events.isEmpty && events.allSatisfy { isFramingError($0, containing: "without a complete frame header") })
        #expect(parser.append(frame("{}")).last == .message(Array("{}".utf8)))
    }
}
