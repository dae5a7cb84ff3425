/// Splits a byte stream into `Content-Length` framed messages, recovering from bad frames.
///
/// Pure and synchronous so it can be tested byte by byte; `JSONRPCConnection` feeds it
/// from its reader thread. Recovery rules:
/// - a header block without a usable `Content-Length` is reported once and skipped;
/// - bytes before a header (the tail of a frame whose length was too short) are skipped;
/// - a header appearing inside a body that is still incomplete means the length was too
///   long: the partial body is reported and parsing restarts at that header. A raw CR LF
///   after `Content-Length: <digits>` cannot occur inside valid JSON, so this never
///   splits a well-formed message;
/// - a length over `maximumBodyBytes` is reported and its body dropped as it arrives, but
///   the same header check applies: a header with no body behind it (or a wrong one)
///   costs that one frame, never the input after it;
/// - header bytes that never reach the blank line ending a header block are dropped once
///   there are more than `maximumHeaderBytes` of them, so junk cannot grow the buffer.
public struct FrameParser: Sendable {
    public enum Event: Sendable, Equatable {
        /// A complete body.
        case message([UInt8])
        /// A frame that cannot be read; answer with a parse error and carry on.
        case framingError(String)
    }

    /// Bodies larger than this are skipped (and reported) rather than buffered.
    public var maximumBodyBytes: Int

    private var buffer: [UInt8] = []
    private var start = 0
    /// Length of the body being read, once its header is parsed.
    private var expectedBody: Int?
    /// Where the next header-in-body search resumes (absolute index into `buffer`).
    private var bodyScanFrom = 0
    /// Bytes of an oversized body still to drop.
    private var discarding = 0
    /// Where the search for the blank line ending a header block resumes.
    private var terminatorScanFrom = 0

    /// Longest header block waited for; more bytes without a blank line are junk.
    public static let maximumHeaderBytes = 64 << 10

    public init(maximumBodyBytes: Int = 64 << 20) {
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Appends bytes and returns every event they complete, in order.
    public mutating func append(_ bytes: some Collection<UInt8>) -> [Event] {
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while let event = nextEvent() { events.append(event) }
        compact()
        return events
    }

    /// Bytes received but not yet part of an event.
    public var pendingByteCount: Int { buffer.count - start }

    private mutating func nextEvent() -> Event? {
        if discarding > 0 {
            // Drop the oversized body, unless a frame header turns up inside it: then the
            // length was wrong (or the body never came) and parsing resumes at that header.
            let limit = start + min(discarding, buffer.count - start)
            switch Self.scanForHeader(buffer, from: start, to: limit) {
            case .header(let at):
                discarding = 0
                start = at
            case .possibleHeader(let at):
                discarding -= at - start
                start = at
                return nil
            case nil:
                discarding -= limit - start
                start = limit
                if discarding > 0 { return nil }
            }
        }
        if let length = expectedBody {
            // Is a frame header hiding inside the body? Then the length was too long (or
            // this header came from garbage): the body cannot be JSON, and the next frame
            // starts at that header. Checked for complete bodies too, so a wrong length can
            // never eat the start of the frame after it.
            let bodyEnd = start + min(length, buffer.count - start)
            switch Self.scanForHeader(buffer, from: max(bodyScanFrom, start), to: bodyEnd) {
            case .header(let headerAt):
                let into = headerAt - start
                start = headerAt
                expectedBody = nil
                return .framingError("Content-Length was larger than the message: the next header started \(into) bytes into the body")
            case .possibleHeader(let at):
                bodyScanFrom = at
                return nil
            case nil:
                bodyScanFrom = bodyEnd
            }
            guard buffer.count - start >= length else { return nil }
            let body = Array(buffer[start..<(start + length)])
            start += length
            expectedBody = nil
            return .message(body)
        }
        let scanFrom = max(start, terminatorScanFrom)
        guard let terminator = Self.find(Self.headerTerminator, in: buffer, from: scanFrom, to: buffer.count, caseInsensitive: false) else {
            terminatorScanFrom = max(start, buffer.count - Self.headerTerminator.count + 1)
            let pending = buffer.count - start
            guard pending > Self.maximumHeaderBytes else { return nil }
            // No header block is this long: keep only a tail that may hold the start of the next one.
            let tail = buffer.count - 1024
            let from = Self.findLast(Self.headerName, in: buffer, from: tail, to: buffer.count) ?? (buffer.count - Self.headerName.count)
            let skipped = from - start
            start = from
            return .framingError("\(skipped) bytes arrived without a complete frame header and were skipped; send 'Content-Length: <bytes>\\r\\n\\r\\n' before each message")
        }
        let header = buffer[start..<terminator]
        let afterHeader = terminator + Self.headerTerminator.count
        // Take the last Content-Length in the block; anything before it is junk from a bad frame.
        guard let nameAt = Self.findLast(Self.headerName, in: buffer, from: start, to: terminator) else {
            start = afterHeader
            let preview = String(decoding: header.prefix(60), as: UTF8.self)
            return .framingError("frame header has no Content-Length (got \"\(preview)\"); send 'Content-Length: <bytes>\\r\\n\\r\\n' before each message")
        }
        var cursor = nameAt + Self.headerName.count
        while cursor < terminator, buffer[cursor] == UInt8(ascii: " ") || buffer[cursor] == UInt8(ascii: "\t") { cursor += 1 }
        let valueStart = cursor
        var length = 0
        var digits = 0
        var overflowed = false
        while cursor < terminator, let digit = Self.digitValue(buffer[cursor]) {
            if length > (Int.max - digit) / 10 { overflowed = true } else { length = length * 10 + digit }
            digits += 1
            cursor += 1
        }
        let restOfLineIsClean = cursor == terminator || buffer[cursor] == UInt8(ascii: "\r") || buffer[cursor] == UInt8(ascii: " ")
        start = afterHeader
        guard digits > 0, restOfLineIsClean else {
            var valueEnd = valueStart
            while valueEnd < terminator, buffer[valueEnd] != UInt8(ascii: "\r"), valueEnd - valueStart < 40 { valueEnd += 1 }
            let value = String(decoding: buffer[valueStart..<valueEnd], as: UTF8.self)
            return .framingError("Content-Length is not a number of bytes (got \"\(value)\"); send the body's size in bytes as digits")
        }
        if overflowed || length > maximumBodyBytes {
            discarding = overflowed ? Int.max : length
            let size = overflowed ? "a Content-Length of \(digits) digits" : "\(length) bytes"
            return .framingError("message of \(size) exceeds the limit of \(maximumBodyBytes) bytes and was skipped; send smaller messages")
        }
        expectedBody = length
        bodyScanFrom = start
        return nextEvent()
    }

    private mutating func compact() {
        if start > 0 && (start == buffer.count || start > 1 << 16) {
            buffer.removeFirst(start)
            bodyScanFrom = max(0, bodyScanFrom - start)
            terminatorScanFrom = max(0, terminatorScanFrom - start)
            start = 0
        }
    }

    private static let headerName = Array("content-length:".utf8)
    private static let headerTerminator = Array("\r\n\r\n".utf8)

    private static func digitValue(_ byte: UInt8) -> Int? {
        byte >= 48 && byte <= 57 ? Int(byte - 48) : nil
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }

    private enum HeaderState { case header, notHeader, incomplete }

    /// Whether the `Content-Length:` at `index` is followed by optional spaces, digits and a
    /// raw CR, or the input ends before that can be told.
    private static func headerState(_ buffer: [UInt8], at index: Int) -> HeaderState {
        var cursor = index + headerName.count
        var spaces = 0
        while cursor < buffer.count, buffer[cursor] == UInt8(ascii: " ") {
            cursor += 1
            spaces += 1
            if spaces > 16 { return .notHeader }
        }
        var digits = 0
        while cursor < buffer.count, digitValue(buffer[cursor]) != nil {
            cursor += 1
            digits += 1
            if digits > 40 { return .notHeader }
        }
        guard cursor < buffer.count else { return .incomplete }
        return digits > 0 && buffer[cursor] == UInt8(ascii: "\r") ? .header : .notHeader
    }

    private enum HeaderScan { case header(Int), possibleHeader(Int) }

    /// The first frame header starting in `from..<end`, or the first place there from which
    /// the bytes received so far could still become one.
    private static func scanForHeader(_ buffer: [UInt8], from: Int, to end: Int) -> HeaderScan? {
        var cursor = from
        while let at = find(headerName, in: buffer, from: cursor, to: buffer.count, caseInsensitive: true), at < end {
            switch headerState(buffer, at: at) {
            case .header: return .header(at)
            case .incomplete: return .possibleHeader(at)
            case .notHeader: cursor = at + 1
            }
        }
        // The name itself cut off by the end of the input.
        var index = max(cursor, buffer.count - headerName.count + 1)
        while index < end {
            var matches = true
            for offset in 0..<(buffer.count - index) where lower(buffer[index + offset]) != headerName[offset] {
                matches = false
                break
            }
            if matches { return .possibleHeader(index) }
            index += 1
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, to end: Int, caseInsensitive: Bool) -> Int? {
        guard end - from >= needle.count else { return nil }
        let first = needle[0]
        var index = from
        let last = end - needle.count
        return haystack.withUnsafeBufferPointer { bytes -> Int? in
            while index <= last {
                let byte = caseInsensitive ? lower(bytes[index]) : bytes[index]
                if byte == first {
                    var matched = true
                    for offset in 1..<needle.count {
                        let other = caseInsensitive ? lower(bytes[index + offset]) : bytes[index + offset]
                        if other != needle[offset] { matched = false; break }
                    }
                    if matched { return index }
                }
                index += 1
            }
            return nil
        }
    }

    private static func findLast(_ needle: [UInt8], in haystack: [UInt8], from: Int, to end: Int) -> Int? {
        var found: Int?
        var cursor = from
        while let index = find(needle, in: haystack, from: cursor, to: end, caseInsensitive: true) {
            found = index
            cursor = index + 1
        }
        return found
    }
}
