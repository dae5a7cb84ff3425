import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A loopback server that answers each connection with fixed raw bytes, for framings
/// `FakeModelServer` never produces (chunked, close-delimited, truncated).
///
/// It reads the request head (and a Content-Length body) first, writes `reply` in the
/// given pieces, and then either closes or — with `holdOpen` — waits until the client
/// goes away, counting that in `clientClosed`.
final class RawHTTPServer: Sendable {
    let port: Int
    private let listenFD: Int32
    private let pieces: [[UInt8]]
    private let holdOpen: Bool
    private let closedByClient = Atomic<Int>(0)
    private let requestsRead = Atomic<Int>(0)
    private let lastClose = Mutex<ContinuousClock.Instant?>(nil)

    var clientClosed: Int { closedByClient.load(ordering: .relaxed) }
    /// Requests whose head (and body) this server has read and answered the pieces of.
    var requestsServed: Int { requestsRead.load(ordering: .relaxed) }
    /// When this server's thread (blocked in `recv`) last saw a client close: the moment the
    /// client's socket was closed, independent of when the client's awaiting task resumed.
    var clientClosedAt: ContinuousClock.Instant? { lastClose.withLock { $0 } }
    var url: URL { URL(string: "http://127.0.0.1:\(port)/v1/models")! }

    convenience init(pieces: [String], holdOpen: Bool = false) throws {
        try self.init(bytePieces: pieces.map { Array($0.utf8) }, holdOpen: holdOpen)
    }

    /// Pieces as bytes, so one may end inside a UTF-8 character.
    init(bytePieces pieces: [[UInt8]], holdOpen: Bool = false) throws {
        self.pieces = pieces
        self.holdOpen = holdOpen
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listenFD = fd
        Thread { [self] in acceptLoop() }.start()
    }

    deinit {
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listenFD, nil, nil)
            if connection < 0 { if errno == EINTR { continue } else { return } }
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        readRequest(fd)
        for piece in pieces {
            _ = piece.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            usleep(5_000)  // separate TCP segments, so the client sees the pieces apart
        }
        requestsRead.add(1, ordering: .relaxed)
        guard holdOpen else { return }
        var byte: UInt8 = 0
        while true {
            let count = recv(fd, &byte, 1, 0)
            if count == 0 || (count < 0 && errno != EINTR) { break }
        }
        lastClose.withLock { $0 = .now }
        closedByClient.add(1, ordering: .relaxed)
    }

    private func readRequest(_ fd: Int32) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator = Array("\r\n\r\n".utf8)
        while true {
            if let end = received.firstRange(of: separator)?.upperBound {
                let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count - end >= length { return }
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            received += chunk[0..<count]
        }
    }
}
