import Foundation

/// Parses one HTTP/1.x response from a connection: status line, headers, and a body framed
/// by `Transfer-Encoding: chunked`, `Content-Length`, or the connection closing.
///
/// A stream that ends early or does not look like HTTP throws
/// `HTTPTransportError.connectionLost`, which callers treat as retryable.
enum HTTPResponseReader {
    static let maximumHeaderBytes = 64 * 1024

    static func read(from connection: SocketConnection, method: String) throws -> HTTPResponse {
        var status: Int
        var headers: [String: String]
        repeat {
            (status, headers) = try readHead(connection)
        } while (100..<200).contains(status) && status != 101  // skip interim "100 Continue"

        if method == "HEAD" || status == 204 || status == 304 {
            return HTTPResponse(status: status, headers: headers, body: Data())
        }
        if let encoding = headers["transfer-encoding"], encoding.lowercased().contains("chunked") {
            return HTTPResponse(status: status, headers: headers, body: try readChunked(connection))
        }
        if let lengthText = headers["content-length"] {
            let first = lengthText.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let length = Int(first), length >= 0 else {
                throw HTTPTransportError.connectionLost("bad Content-Length \"\(lengthText)\"")
            }
            let body = try connection.read(upTo: length)
            guard body.count == length else {
                throw HTTPTransportError.connectionLost("the server closed after \(body.count) of \(length) body bytes")
            }
            return HTTPResponse(status: status, headers: headers, body: Data(body))
        }
        return HTTPResponse(status: status, headers: headers, body: Data(try connection.readToEnd()))
    }

    /// Status line and headers (names lower-cased, repeats joined with ", ").
    private static func readHead(_ connection: SocketConnection) throws -> (Int, [String: String]) {
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

    private static func readChunked(_ connection: SocketConnection) throws -> Data {
        var body = Data()
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
                return body
            }
            let chunk = try connection.read(upTo: size)
            guard chunk.count == size else {
                throw HTTPTransportError.connectionLost("the server closed inside a chunk")
            }
            body.append(contentsOf: chunk)
            guard let end = try connection.readLine(), end.isEmpty else {
                throw HTTPTransportError.connectionLost("a chunk does not end with CRLF")
            }
        }
    }
}
