/// One server-sent event: its `event:` name ("message" when unnamed) and its `data:` lines
/// joined by "\n".
struct ServerSentEvent: Sendable, Equatable {
    var name: String
    var data: String

    init(name: String = "message", data: String) {
        self.name = name
        self.data = data
    }

    /// OpenAI-compatible streams end with `data: [DONE]`.
    var isDoneMarker: Bool { data == "[DONE]" }
}

/// Splits a `text/event-stream` body into events, fed in whatever pieces the network
/// delivers (a line or a UTF-8 character may be split across pieces).
///
/// Follows the WHATWG rules: lines end with CRLF, LF or CR; a blank line dispatches the
/// event; `data:` lines accumulate; lines starting with `:` are comments (keep-alive pings);
/// one space after the colon is dropped; an event without data is not dispatched. `id:`
/// and `retry:` only matter for reconnecting, which a completion never does, so they are
/// skipped. Unlike a browser, `finish()` also dispatches data whose blank line never came,
/// so a server that closes right after its last `data:` line loses nothing.
struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    /// The previous piece ended with CR: a LF starting this one belongs to that line end.
    private var pendingCR = false
    private var name = ""
    private var dataLines: [String] = []

    /// The events completed by `bytes`.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if pendingCR {
                pendingCR = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\r"):
                pendingCR = true
                endLine(into: &events)
            case UInt8(ascii: "\n"):
                endLine(into: &events)
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// The body ended: a last event whose blank line never came, if any.
    mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if !line.isEmpty { endLine(into: &events) }
        dispatch(into: &events)
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { dispatch(into: &events); return }
        if line.first == UInt8(ascii: ":") { return }  // a comment
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = String(decoding: line[..<(colon ?? line.endIndex)], as: UTF8.self)
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = String(decoding: line[valueStart...], as: UTF8.self)
        switch field {
        case "data": dataLines.append(value)
        case "event": name = value
        default: break
        }
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer { name = ""; dataLines = [] }
        guard !dataLines.isEmpty else { return }
        events.append(ServerSentEvent(name: name.isEmpty ? "message" : name, data: dataLines.joined(separator: "\n")))
    }
}
