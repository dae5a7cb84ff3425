/// Splits a byte stream into `Content-Length` framed messages, recovering from bad frames.
///
/// Pure and synchronous so it can be tested byte by byte; `JSONRPCConnection` feeds it
/// from its reader thread. Recovery rules:
/// - a header block without a usable `Content-Length` is reported once and skipped;
/// - bytes before a header (the tail of a frame whose length was too short) are skipped;
/// - a header appearing inside a body that is still incomplete means the length was too
///   long: the partial body is reported and parsing restarts at that header. A raw CR LF
///   after `Content-Length: <digits>` cannot occur inside valid JSON, so this never
///   splits a well-formed message.
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
            let drop = min(discarding, buffer.count - start)
            start += drop
            discarding -= drop
            if discarding > 0 { return nil }
        }
        if let length = expectedBody {
            if buffer.count - start >= length {
                let body = Array(buffer[start..<(start + length)])
                start += length
                expectedBody = nil
                return .message(body)
            }
            // Incomplete: is a new frame's header hiding inside (the length was too long)?
            let scanStart = max(bodyScanFrom, start)
            if let headerAt = Self.find(Self.headerName, in: buffer, from: scanStart, to: buffer.count, caseInsensitive: true),
               Self.looksLikeHeader(buffer, at: headerAt) {
                start = headerAt
                expectedBody = nil
                return .framingError("Content-Length was larger than the message: the next header started \(headerAt - scanStart) bytes into the body")
            }
            bodyScanFrom = max(start, buffer.count - Self.headerName.count - 24)
            return nil
        }
        guard let terminator = Self.find(Self.headerTerminator, in: buffer, from: start, to: buffer.count, caseInsensitive: false) else {
            return nil
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
        var length = 0
        var digits = 0
        while cursor < terminator, let digit = Self.digitValue(buffer[cursor]), length < Int.max / 20 {
            length = length * 10 + digit
            digits += 1
            cursor += 1
        }
        let restOfLineIsClean = cursor == terminator || buffer[cursor] == UInt8(ascii: "\r") || buffer[cursor] == UInt8(ascii: " ")
        start = afterHeader
        guard digits > 0, restOfLineIsClean else {
            return .framingError("Content-Length is not a number; send the body's size in bytes")
        }
        if length > maximumBodyBytes {
            discarding = length
            return .framingError("message of \(length) bytes exceeds the limit of \(maximumBodyBytes) bytes and was skipped")
        }
        expectedBody = length
        bodyScanFrom = start
        return nextEvent()
    }

    private mutating func compact() {
        if start > 0 && (start == buffer.count || start > 1 << 16) {
            buffer.removeFirst(start)
            bodyScanFrom = max(0, bodyScanFrom - start)
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

    /// `Content-Length:` followed by optional spaces, digits and a raw CR.
    private static func looksLikeHeader(_ buffer: [UInt8], at index: Int) -> Bool {
        var cursor = index + headerName.count
        while cursor < buffer.count, buffer[cursor] == UInt8(ascii: " ") { cursor += 1 }
        var digits = 0
        while cursor < buffer.count, digitValue(buffer[cursor]) != nil { cursor += 1; digits += 1 }
        return digits > 0 && cursor < buffer.count && buffer[cursor] == UInt8(ascii: "\r")
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
