import Glibc

/// One child's I/O on a dedicated thread: feeds stdin, drains stdout/stderr/results with caps,
/// enforces the deadline (SIGTERM, then SIGKILL to the group) and reacts to cancellation.
///
/// Ends once the leader has been reaped and the pipes reached end of file or `drainGrace`
/// passed, whichever is first: an escaped grandchild holding a pipe cannot keep us waiting.
/// The truth about exit and cancellation is state (`control.termination`,
/// `wakeWriter.isCancelled`); the wake pipe only interrupts `poll`. So a lost or broken
/// wake-up costs at most one `brokenWakeTick`, and a descriptor that reports POLLNVAL, POLLHUP
/// or POLLERR without data is dropped from the set: `poll` can never return at once forever.
final class CaptureLoop: @unchecked Sendable {
    // @unchecked: used by exactly one thread after construction.
    private struct Sink {
        var fd: Int32
        var limit: Int
        var bytes: [UInt8] = []
        var seen = 0
        var truncated = false
        var open = true
        /// POLLNVAL: the number is no longer ours (never close it, it may be someone else's now).
        var lost = false
    }

    /// How long output from the group may keep arriving after the leader was reaped.
    static let drainGrace: UInt64 = 100_000_000
    /// Poll period when the wake pipe is unusable and state must be checked by time.
    static let brokenWakeTick: Int32 = 10
    /// Reads per descriptor per wake-up, so a writer as fast as we are cannot starve the rest.
    static let readsPerWakeUp = 16

    private let configuration: ProcessConfiguration
    private let control: ProcessGroupControl
    private let started: UInt64
    private let wakeRead: Int32
    private var wakeUsable = true
    /// The wake pipe's number stopped being ours (POLLNVAL/EBADF): never close it.
    private var wakeLost = false
    private let wakeWriter: WakeWriter
    private var sinks: [Sink]
    private var stdinFD: Int32?
    private var input: [UInt8]
    private var inputOffset = 0

    /// Takes ownership of every descriptor passed: `run` closes them, nobody else may.
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
        FileDescriptors.setNonBlocking(wakeRead)
    }

    var pid: pid_t { control.pid }

    func run() -> Result<ProcessResult, any Error> {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let deadline = configuration.timeout.map { started + $0.nanoseconds }
        var killAt: UInt64?
        var timedOut = false
        var cancelled = false
        var drainUntil: UInt64?

        while true {
            let now = monotonicNanoseconds()
            if !cancelled, wakeWriter.isCancelled {
                cancelled = true
                control.signalGroup(SIGKILL)
            }
            if drainUntil == nil, control.termination != nil {
                drainUntil = now + Self.drainGrace
                closeStandardInput()  // nobody left to read it
            }
            if let drainUntil, now >= drainUntil || !sinks.contains(where: \.open) { break }
            if let deadline, !timedOut, drainUntil == nil, now >= deadline {
                timedOut = true
                control.signalGroup(SIGTERM)
                killAt = now + configuration.terminationGrace.nanoseconds
            }
            if let at = killAt, now >= at {
                control.signalGroup(SIGKILL)
                killAt = nil
            }
            var timeoutMs: Int32 = -1
            if let next = [timedOut ? nil : deadline, killAt, drainUntil].compactMap({ $0 }).min() {
                timeoutMs = Int32(clamping: (next > now ? next - now : 0) / 1_000_000 + 1)
            }
            if !wakeUsable { timeoutMs = timeoutMs < 0 ? Self.brokenWakeTick : min(timeoutMs, Self.brokenWakeTick) }

            var pollSet: [pollfd] = []
            if wakeUsable { pollSet.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)) }
            for sink in sinks where sink.open { pollSet.append(pollfd(fd: sink.fd, events: Int16(POLLIN), revents: 0)) }
            if let stdinFD { pollSet.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&pollSet, nfds_t(pollSet.count), timeoutMs)
            if ready < 0 {
                // EINTR: go round. ENOMEM and the like: wait a tick rather than spin or give up on the child.
                if errno != EINTR { usleep(UInt32(Self.brokenWakeTick) * 1000) }
                continue
            }

            for entry in pollSet where entry.revents != 0 {
                let broken = Int32(entry.revents) & (POLLNVAL | POLLERR | POLLHUP) != 0
                let invalid = Int32(entry.revents) & POLLNVAL != 0
                if entry.fd == wakeRead && wakeUsable {
                    if invalid || !consumeWakeUps() { wakeUsable = false }
                    if invalid { wakeLost = true }
                } else if entry.fd == stdinFD {
                    if invalid { stdinFD = nil } else { feedInput() }
                } else if let index = sinks.firstIndex(where: { $0.fd == entry.fd && $0.open }) {
                    if invalid {
                        sinks[index].open = false
                        sinks[index].lost = true
                        continue
                    }
                    let progressed = drain(index, &buffer)
                    // A pipe that hangs up always reads as end of file; if it does not, drop it anyway.
                    if broken && !progressed { sinks[index].open = false }
                }
            }
        }
        // Take what is already buffered (bounded), do not wait for escaped holders.
        for index in sinks.indices where sinks[index].open { _ = drain(index, &buffer) }
        for sink in sinks where !sink.lost { FileDescriptors.close(sink.fd) }
        closeStandardInput()
        wakeWriter.close()
        if !wakeLost { FileDescriptors.close(wakeRead) }

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

    /// Empties the wake pipe; false when it is unusable (end of file or an error).
    private func consumeWakeUps() -> Bool {
        var bytes = [UInt8](repeating: 0, count: 16)
        while true {
            let n = read(wakeRead, &bytes, bytes.count)
            if n > 0 { continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EBADF { wakeLost = true }
            return n < 0 && errno == EAGAIN
        }
    }

    /// Reads until the pipe is empty (EAGAIN), closed, or `readsPerWakeUp` reads were made.
    /// Returns whether anything was read or end of file reached.
    private func drain(_ index: Int, _ buffer: inout [UInt8]) -> Bool {
        var progressed = false
        var reads = 0
        while sinks[index].open && reads < Self.readsPerWakeUp {
            reads += 1
            let n = buffer.withUnsafeMutableBytes { read(sinks[index].fd, $0.baseAddress, $0.count) }
            if n > 0 {
                progressed = true
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
                return true
            } else if errno == EINTR {
                continue
            } else {
                if errno == EBADF { sinks[index].lost = true }
                if errno != EAGAIN { sinks[index].open = false }
                return progressed
            }
        }
        return progressed
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
        closeStandardInput()
    }

    private func closeStandardInput() {
        if let fd = stdinFD { FileDescriptors.close(fd) }
        stdinFD = nil
    }
}
