import Glibc

/// One child's I/O on a dedicated thread: feeds stdin, drains stdout/stderr/results with caps,
/// enforces the deadline (SIGTERM, then SIGKILL to the group) and reacts to cancellation.
/// Ends when the leader has been reaped, not at end of file: an escaped grandchild holding a
/// pipe cannot keep us waiting.
final class CaptureLoop: @unchecked Sendable {
    // @unchecked: used by exactly one thread after construction.
    private struct Sink {
        var fd: Int32
        var limit: Int
        var bytes: [UInt8] = []
        var seen = 0
        var truncated = false
        var open = true
    }

    private let configuration: ProcessConfiguration
    private let control: ProcessGroupControl
    private let started: UInt64
    private let wakeRead: Int32
    private let wakeWriter: WakeWriter
    private var sinks: [Sink]
    private var stdinFD: Int32?
    private var input: [UInt8]
    private var inputOffset = 0

    init(
        configuration: ProcessConfiguration, control: ProcessGroupControl, started: UInt64,
        wakeRead: Int32, wakeWriter: WakeWriter,
        stdout: Int32, stderr: Int32, results: Int32?, stdin: Int32?, input: [UInt8]
    ) {
        self.configuration = configuration
        self.control = control
        self.started = started
        self.wakeRead = wakeRead
        self.wakeWriter = wakeWriter
        var sinks = [Sink(fd: stdout, limit: configuration.outputLimit), Sink(fd: stderr, limit: configuration.errorLimit)]
        if let results { sinks.append(Sink(fd: results, limit: configuration.resultsLimit ?? 0)) }
        self.sinks = sinks
        self.stdinFD = stdin
        self.input = input
        for sink in sinks { FileDescriptors.setNonBlocking(sink.fd) }
        if let stdin { FileDescriptors.setNonBlocking(stdin) }
    }

    func run() -> Result<ProcessResult, any Error> {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let deadline = configuration.timeout.map { started + $0.nanoseconds }
        var killAt: UInt64?
        var timedOut = false
        var cancelled = false
        var exited = false

        while !exited {
            let now = monotonicNanoseconds()
            if let deadline, !timedOut, now >= deadline {
                timedOut = true
                control.signalGroup(SIGTERM)
                killAt = now + configuration.terminationGrace.nanoseconds
            }
            if let at = killAt, now >= at {
                control.signalGroup(SIGKILL)
                killAt = nil
            }
            var timeoutMs: Int32 = -1
            if let next = [timedOut ? nil : deadline, killAt].compactMap({ $0 }).min() {
                timeoutMs = Int32(clamping: (next > now ? next - now : 0) / 1_000_000 + 1)
            }

            var pollSet = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            for sink in sinks where sink.open { pollSet.append(pollfd(fd: sink.fd, events: Int16(POLLIN), revents: 0)) }
            if let stdinFD { pollSet.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&pollSet, nfds_t(pollSet.count), timeoutMs)
            if ready < 0 { if errno == EINTR { continue } else { break } }

            for entry in pollSet where entry.revents != 0 {
                if entry.fd == wakeRead {
                    var signal: [UInt8] = [0, 0, 0, 0]
                    let n = read(wakeRead, &signal, 4)
                    for byte in signal.prefix(max(n, 0)) {
                        if byte == WakeWriter.cancelled, !cancelled {
                            cancelled = true
                            control.signalGroup(SIGKILL)
                        }
                        if byte == WakeWriter.exited { exited = true }
                    }
                } else if entry.fd == stdinFD {
                    feedInput()
                } else if let index = sinks.firstIndex(where: { $0.fd == entry.fd }) {
                    drain(index, &buffer)
                }
            }
        }
        // The leader is gone: take what is already buffered, do not wait for escaped holders.
        for index in sinks.indices where sinks[index].open { drain(index, &buffer) }
        for sink in sinks { FileDescriptors.close(sink.fd) }
        if let stdinFD { FileDescriptors.close(stdinFD) }
        wakeWriter.close()
        FileDescriptors.close(wakeRead)

        if cancelled { return .failure(CancellationError()) }
        let elapsed = monotonicNanoseconds() - started
        return .success(ProcessResult(
            pid: control.pid,
            termination: control.termination ?? .signaled(SIGKILL),
            timedOut: timedOut,
            standardOutput: sinks[0].bytes, standardError: sinks[1].bytes,
            results: sinks.count > 2 ? sinks[2].bytes : [],
            standardOutputTruncated: sinks[0].truncated, standardErrorTruncated: sinks[1].truncated,
            resultsTruncated: sinks.count > 2 ? sinks[2].truncated : false,
            standardOutputBytesSeen: sinks[0].seen,
            wallTime: .nanoseconds(Int64(elapsed))))
    }

    /// Reads until the pipe is empty (EAGAIN) or closed.
    private func drain(_ index: Int, _ buffer: inout [UInt8]) {
        while sinks[index].open {
            let n = buffer.withUnsafeMutableBytes { read(sinks[index].fd, $0.baseAddress, $0.count) }
            if n > 0 {
                sinks[index].seen += n
                let room = sinks[index].limit - sinks[index].bytes.count
                if room >= n {
                    sinks[index].bytes.append(contentsOf: buffer[0..<n])
                } else {
                    if room > 0 { sinks[index].bytes.append(contentsOf: buffer[0..<room]) }
                    sinks[index].truncated = true
                }
            } else if n == 0 {
                sinks[index].open = false
            } else if errno == EINTR {
                continue
            } else {
                if errno != EAGAIN { sinks[index].open = false }
                return
            }
        }
    }

    private func feedInput() {
        guard let fd = stdinFD else { return }
        while inputOffset < input.count {
            let n = input.withUnsafeBytes { write(fd, $0.baseAddress! + inputOffset, $0.count - inputOffset) }
            if n > 0 { inputOffset += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN { return }
            break  // EPIPE: the child closed stdin; it does not want the rest
        }
        FileDescriptors.close(fd)
        stdinFD = nil
    }
}
