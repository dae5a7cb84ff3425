import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a blocking socket step stopped early: cancelled (woken) or past its deadline.
enum SocketInterruption: Error { case cancelled, timedOut }

/// One non-blocking TCP connection driven from a single thread with `poll`.
///
/// Every wait polls the socket together with `wakeFD` (a socket pair's end): writing to it from
/// another thread wakes the wait at once and the step throws `SocketInterruption.cancelled`.
/// The connection never closes `wakeFD`; it closes its own socket in `close()` only,
/// on the owning thread, so no other thread ever touches a descriptor number that could
/// have been reused.
final class SocketConnection {
    private(set) var fd: Int32 = -1
    private let wakeFD: Int32
    private let deadline: ContinuousClock.Instant?
    private let isCancelled: () -> Bool
    /// Received bytes not yet consumed by the reader.
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var reachedEOF = false

    init(wakeFD: Int32, deadline: ContinuousClock.Instant?, isCancelled: @escaping () -> Bool) {
        self.wakeFD = wakeFD
        self.deadline = deadline
        self.isCancelled = isCancelled
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    // MARK: - Connect

    /// Resolves `host` (IPv4/IPv6 literals, `localhost`, names in /etc/hosts or DNS) and
    /// connects to the first address that accepts.
    func connect(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPTransportError.cannotConnect("cannot resolve host \"\(host)\" (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(first) }
        var lastError: Int32 = ECONNREFUSED
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            try checkInterruption()
            let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let candidate = socket(info.pointee.ai_family, socketType, 0)
            if candidate < 0 { lastError = errno; continue }
            fd = candidate
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return }
            let code = errno
            if code == EINPROGRESS || code == EINTR {
                try waitFor(Int16(POLLOUT))
                var result: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &result, &length)
                if result == 0 { return }
                lastError = result
            } else {
                lastError = code
            }
            close()
        }
        throw HTTPTransportError.cannotConnect("\(host):\(port): \(String(cString: strerror(lastError)))")
    }

    // MARK: - Send

    func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            try checkInterruption()
            let written = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written > 0 { offset += written; continue }
            let code = errno
            if written < 0 && (code == EAGAIN || code == EWOULDBLOCK || code == EINTR) {
                try waitFor(Int16(POLLOUT))
                continue
            }
            throw HTTPTransportError.connectionLost("sending the request failed: \(String(cString: strerror(code)))")
        }
    }

    // MARK: - Receive

    /// Reads more bytes into the buffer; returns false at end of stream.
    @discardableResult
    func fill() throws -> Bool {
        if reachedEOF { return false }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            try checkInterruption()
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count > 0 {
                if start > 0 && start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 { reachedEOF = true; return false }
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR {
                try waitFor(Int16(POLLIN))
                continue
            }
            throw HTTPTransportError.connectionLost("reading the response failed: \(String(cString: strerror(code)))")
        }
    }

    /// Bytes received and not consumed yet.
    var available: Int { buffer.count - start }

    /// One line without its CRLF (or bare LF); nil at end of stream before a line ended.
    func readLine(limit: Int = 64 * 1024) throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return line
            }
            if available > limit { throw HTTPTransportError.connectionLost("a response line is longer than \(limit) bytes") }
            if try !fill() { return nil }
        }
    }

    /// What has arrived, at most `limit` bytes, waiting only when nothing is buffered;
    /// empty at end of stream.
    func readSome(upTo limit: Int) throws -> [UInt8] {
        if available == 0, try !fill() { return [] }
        let taken = min(limit, available)
        let bytes = Array(buffer[start..<(start + taken)])
        start += taken
        return bytes
    }

    // MARK: - Waiting

    private func checkInterruption() throws {
        if isCancelled() { throw SocketInterruption.cancelled }
        if let deadline, ContinuousClock.now >= deadline { throw SocketInterruption.timedOut }
    }

    /// Polls the socket for `events` and the wake descriptor; returns when the socket is ready.
    private func waitFor(_ events: Int16) throws {
        while true {
            try checkInterruption()
            var descriptors = [
                pollfd(fd: fd, events: events, revents: 0),
                pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
            ]
            var timeout: Int32 = -1
            if let deadline {
                // Rounded up, so poll never wakes just before the deadline.
                timeout = Int32(clamping: max(0, ContinuousClock.now.duration(to: deadline).wholeMilliseconds + 1))
            }
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 && errno != EINTR {
                throw HTTPTransportError.other("poll failed: \(String(cString: strerror(errno)))")
            }
            if descriptors[1].revents != 0 {
                if isCancelled() { throw SocketInterruption.cancelled }
                // Not written by `cancel()`: someone else closed our descriptor (POLLNVAL).
                throw HTTPTransportError.connectionLost("the request's wake descriptor was closed by other code in this process")
            }
            // POLLERR/POLLHUP also mean "go and look": the next call reports what happened.
            if descriptors[0].revents != 0 { return }
        }
    }
}
