import Foundation

/// Parses one HTTP/1.x response from a connection: status line, headers, and a body framed
/// by `Transfer-Encoding: chunked`, `Content-Length`, or the connection closing.
///
/// The body can be taken whole (`read`) or piece by piece as it arrives (`readHead`, then
/// `readBody`), de-framed either way. A stream that ends early or does not look like HTTP
/// throws `HTTPTransportError.connectionLost`, which callers treat as retryable.
enum HTTPResponseReader {
    static let maximumHeaderBytes = 64 * 1024

    /// Takes the next piece of the body; false stops reading (the rest is never read).
    typealias PieceHandler = ([UInt8]) throws -> Bool

    /// The whole response; past `maxBodyBytes` of body it stops reading and throws
    /// `responseTooLarge`, so a runaway server cannot fill the memory.
    static func read(from connection: SocketConnection, method: String, maxBodyBytes: Int = .max) throws -> HTTPResponse {
        var response = try readHead(from: connection)
        var body = Data()
        try readBody(from: connection, head: response, method: method) { piece in
            guard body.count + piece.count <= maxBodyBytes else { throw HTTPTransportError.responseTooLarge(limit: maxBodyBytes) }
            body.append(contentsOf: piece)
            return true
        }
        response.body = body
        return response
    }

    /// Status line and headers (names lower-cased, repeats joined with ", "), skipping
    /// interim 1xx answers; the returned response has an empty body.
    static func readHead(from connection: SocketConnection) throws -> HTTPResponse {
        var status: Int
        var headers: [String: String]
        repeat {
            (status, headers) = try readStatusAndHeaders(connection)
        } while (100..<200).contains(status) && status != 101  // skip interim "100 Continue"
        return HTTPResponse(status: status, headers: headers, body: Data())
    }

    /// Hands the body after `head` to `deliver` as it arrives; returns false when `deliver`
    /// stopped it early, true when the body ended.
    @discardableResult
    static func readBody(from connection: SocketConnection, head: HTTPResponse, method: String, deliver: PieceHandler) throws -> Bool {
        if method == "HEAD" || head.status == 204 || head.status == 304 { return true }
        if let encoding = head.headers["transfer-encoding"], encoding.lowercased().contains("chunked") {
            return try readChunked(connection, deliver: deliver)
        }
        if let lengthText = head.headers["content-length"] {
            let first = lengthText.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let length = Int(first), length >= 0 else {
                throw HTTPTransportError.connectionLost("bad Content-Length \"\(lengthText)\"")
            }
            var received = 0
            while received < length {
                let piece = try connection.readSome(upTo: length - received)
                guard !piece.isEmpty else {
                    throw HTTPTransportError.connectionLost("the server closed after \(received) of \(length) body bytes")
                }
                received += piece.count
                guard try deliver(piece) else { return false }
            }
            return true
        }
        while true {
            let piece = try connection.readSome(upTo: 64 * 1024)
            if piece.isEmpty { return true }
            guard try deliver(piece) else { return false }
        }
    }

    private static func readStatusAndHeaders(_ connection: SocketConnection) throws -> (Int, [String: String]) {
        guard let statusLine = try connection.readLine() else {
            throw HTTPTransportError.connectionLost("the server closed the connection without answering")
        }
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100..<1000).contains(status) else {
            throw HTTPTransportError.connectionLost("not an HTTP response: \"\(statusLine.prefix(80))\"")
        }
        var headers: [String: String] = [:]
        var headerBytes = 0
        while true {
            guard let line = try connection.readLine() else {
                throw HTTPTransportError.connectionLost("the server closed the connection inside the response headers")
            }
            if line.isEmpty { break }
            headerBytes += line.utf8.count
            if headerBytes > maximumHeaderBytes {
                throw HTTPTransportError.connectionLost("response headers exceed \(maximumHeaderBytes) bytes")
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        return (status, headers)
    }

    private static func readChunked(_ connection: SocketConnection, deliver: PieceHandler) throws -> Bool {
        while true {
            guard let sizeLine = try connection.readLine() else {
                throw HTTPTransportError.connectionLost("the server closed inside a chunked body")
            }
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else {
                throw HTTPTransportError.connectionLost("bad chunk size \"\(sizeLine.prefix(40))\"")
            }
            if size == 0 {
                // Trailers until the empty line; a server that just closes here is fine too.
                while let trailer = try connection.readLine(), !trailer.isEmpty {}
                return true
            }
            var remaining = size
            while remaining > 0 {
                let piece = try connection.readSome(upTo: remaining)
                guard !piece.isEmpty else { throw HTTPTransportError.connectionLost("the server closed inside a chunk") }
                remaining -= piece.count
                guard try deliver(piece) else { return false }
            }
            guard let end = try connection.readLine(), end.isEmpty else {
                throw HTTPTransportError.connectionLost("a chunk does not end with CRLF")
            }
        }
    }
}
