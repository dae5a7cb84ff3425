import Glibc
import Synchronization

/// Starting child processes, shaped like swift-subprocess: `run` awaits a result, `launch`
/// returns a handle for long-running servers.
public enum ChildProcess {
    private static let brokenPipeIgnored = Mutex(false)

    /// Ignores SIGPIPE in this process (once), so a child closing its end of a pipe is an
    /// EPIPE for us, not death. Children get default handlers back at spawn.
    public static func ignoreBrokenPipeSignal() {
        brokenPipeIgnored.withLock { done in
            if !done { signal(SIGPIPE, SIG_IGN); done = true }
        }
    }

    /// Runs a child to completion, capturing its output.
    ///
    /// Cancelling the calling task SIGKILLs the child's whole group at once; the call then
    /// throws `CancellationError` after the child was reaped.
    /// - Throws: `ProcessError` when it could not start, `CancellationError` when cancelled.
    public static func run(_ configuration: ProcessConfiguration) async throws -> ProcessResult {
        try Task.checkCancellation()
        let path = try configuration.executable.resolvedPath()

        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        func makePipe() throws(ProcessError) -> (read: Int32, write: Int32) {
            let pipe = try FileDescriptors.pipe()
            return pipe
        }
        do {
            let wake = try FileDescriptors.pipe()
            parentEnds += [wake.read, wake.write]
            let stdoutPipe = try FileDescriptors.pipe()
            parentEnds.append(stdoutPipe.read); childEnds.append(stdoutPipe.write)
            let stderrPipe = try FileDescriptors.pipe()
            parentEnds.append(stderrPipe.read); childEnds.append(stderrPipe.write)
            var resultsPipe: (read: Int32, write: Int32)?
            if configuration.resultsLimit != nil {
                let pipe = try FileDescriptors.pipe()
                parentEnds.append(pipe.read); childEnds.append(pipe.write)
                resultsPipe = pipe
            }
            var stdinPipe: (read: Int32, write: Int32)?
            var stdinDescriptor = ChildDescriptor.open(path: "/dev/null", flags: O_RDONLY, mode: 0)
            if case .bytes(let bytes) = configuration.input, !bytes.isEmpty {
                let pipe = try FileDescriptors.pipe()
                parentEnds.append(pipe.write); childEnds.append(pipe.read)
                stdinPipe = pipe
                stdinDescriptor = .inherit(pipe.read)
            }
            var descriptors = [stdinDescriptor, .inherit(stdoutPipe.write), .inherit(stderrPipe.write)]
            if let resultsPipe { descriptors.append(.inherit(resultsPipe.write)) }

            let started = monotonicNanoseconds()
            let wakeWriter = WakeWriter(fd: wake.write)
            let request = SpawnRequest(
                path: path, arguments: configuration.arguments, environment: configuration.environment.values,
                workingDirectory: configuration.workingDirectory, descriptors: descriptors, isolation: configuration.isolation)
            let control: ProcessGroupControl = try await withCheckedThrowingContinuation { continuation in
                ProcessGroupControl.spawnOnWaiterThread(
                    killingGroup: configuration.killsGroupOnExit,
                    spawn: { () throws(ProcessError) -> pid_t in try request.spawn() },
                    spawned: { continuation.resume(with: $0) },
                    exited: { _ in wakeWriter.send(WakeWriter.exited) })
            }
            childEnds.forEach(FileDescriptors.close)
            childEnds = []

            var inputBytes: [UInt8] = []
            if case .bytes(let bytes) = configuration.input { inputBytes = bytes }
            let loop = CaptureLoop(
                configuration: configuration, control: control, started: started,
                wakeRead: wake.read, wakeWriter: wakeWriter,
                stdout: stdoutPipe.read, stderr: stderrPipe.read, results: resultsPipe?.read,
                stdin: stdinPipe?.write, input: inputBytes)
            // From here the loop owns (and closes) every parent end: the catch below must not
            // close them again, or it closes descriptors other threads have reused meanwhile.
            parentEnds = []

            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    ProcessGroupControl.detachThread(name: "capture \(control.pid)") {
                        continuation.resume(with: loop.run())
                    }
                }
            } onCancel: {
                wakeWriter.send(WakeWriter.cancelled)
            }
        } catch {
            parentEnds.forEach(FileDescriptors.close)
            childEnds.forEach(FileDescriptors.close)
            throw error
        }
    }
}

/// The write end of the capture loop's wake-up pipe, safe to use after the loop closed it.
final class WakeWriter: Sendable {
    static let exited: UInt8 = 0x78
    static let cancelled: UInt8 = 0x63
    private let fd: Mutex<Int32?>

    init(fd: Int32) { self.fd = Mutex(fd) }

    func send(_ byte: UInt8) {
        fd.withLock { fd in
            guard let fd else { return }
            var value = byte
            _ = write(fd, &value, 1)
        }
    }

    func close() {
        fd.withLock { fd in
            if let open = fd { FileDescriptors.close(open) }
            fd = nil
        }
    }
}
