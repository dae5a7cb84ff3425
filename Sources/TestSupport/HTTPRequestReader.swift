import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads one HTTP/1.1 request (head plus a `Content-Length` or chunked body) from a socket.
enum HTTPRequestReader {
    static func read(from fd: Int32) -> RecordedRequest? {
        var buffer = Data()
        let separator = Data("\r\n\r\n".utf8)
        var headEnd: Range<Data.Index>?
        while headEnd == nil {
            guard let chunk = receive(fd) else { return nil }
            buffer.append(chunk)
            headEnd = buffer.range(of: separator)
            if buffer.count > 1 << 20 { return nil }
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[buffer.startIndex..<headEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(buffer[headEnd.upperBound...])
        if let lengthText = headers["content-length"], let length = Int(lengthText) {
            while body.count < length {
                guard let chunk = receive(fd) else { return nil }
                body.append(chunk)
            }
            body = body.prefix(length)
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let decoded = readChunked(fd, initial: body) else { return nil }
            body = decoded
        }
        return RecordedRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }

    private static func receive(_ fd: Int32) -> Data? {
        var bytes = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &bytes, bytes.count, 0)
            if count > 0 { return Data(bytes[0..<count]) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    private static func readChunked(_ fd: Int32, initial: Data) -> Data? {
        var raw = initial
        var body = Data()
        let crlf = Data("\r\n".utf8)
        var offset = raw.startIndex
        while true {
            while raw[offset...].range(of: crlf) == nil {
                guard let more = receive(fd) else { return nil }
                raw.append(more)
            }
            let lineEnd = raw[offset...].range(of: crlf)!
            let sizeText = String(decoding: raw[offset..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";")[0].trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            offset = lineEnd.upperBound
            if size == 0 { return body }
            while raw.endIndex - offset < size + 2 {
                guard let more = receive(fd) else { return nil }
                raw.append(more)
            }
            body.append(raw[offset..<(offset + size)])
            offset += size + 2
        }
    }
}
