import Glibc
@testable import Processes
import Synchronization
import Testing

/// The loop's guards, driven directly: a broken wake pipe must neither spin nor hide the exit.
@Suite("CaptureLoop guards", .timeLimit(.minutes(1)))
struct CaptureLoopGuardTests {
    /// Spawns `script` the way `ChildProcess.run` does and runs its loop on this thread, with the
    /// wake pipe's write end already closed (the read end then reports POLLHUP forever).
    private func runWithDeadWakePipe(_ script: String, marker: String = ProcessProbes.uniqueMarker()) async throws -> (ProcessResult, cpu: Duration) {
        let wake = try FileDescriptors.pipe()
        let stdoutPipe = try FileDescriptors.pipe()
        let stderrPipe = try FileDescriptors.pipe()
        let request = SpawnRequest(
            path: "/bin/sh", arguments: ["-c", script], environment: [String(marker.prefix { $0 != "=" }): String(marker.drop { $0 != "=" }.dropFirst()), "PATH": "/usr/bin:/bin"], workingDirectory: nil,
            descriptors: [.open(path: "/dev/null", flags: O_RDONLY, mode: 0), .inherit(stdoutPipe.write), .inherit(stderrPipe.write)],
            isolation: .newSession)
        let control: ProcessGroupControl = try await withCheckedThrowingContinuation { continuation in
            ProcessGroupControl.spawnOnWaiterThread(
                killingGroup: true, spawn: { () throws(ProcessError) -> pid_t in try request.spawn() },
                spawned: { continuation.resume(with: $0) }, exited: { _ in })
        }
        FileDescriptors.close(stdoutPipe.write)
        FileDescriptors.close(stderrPipe.write)
        let wakeWriter = WakeWriter(fd: wake.write)
        wakeWriter.close()
        let loop = CaptureLoop(
            configuration: ProcessConfiguration(executable: .path("/bin/sh")), control: control,
            started: monotonicNanoseconds(), wakeRead: wake.read, wakeWriter: wakeWriter,
            stdout: stdoutPipe.read, stderr: stderrPipe.read, results: nil, stdin: nil, input: [])
        return try await withCheckedThrowingContinuation { continuation in
            ProcessGroupControl.detachThread(name: "guard test") {
                let before = threadCPUTime()
                let outcome = loop.run()
                let cpu = threadCPUTime() - before
                continuation.resume(with: outcome.map { ($0, cpu) })
            }
        }
    }

    @Test("a wake pipe at end of file is dropped: the exit is still seen and the loop does not spin")
    func deadWakePipeNeitherSpinsNorHidesExit() async throws {
        let (result, cpu) = try await runWithDeadWakePipe("sleep 0.3; echo finished")
        #expect(result.termination == .exited(0))
        #expect(result.standardOutputText == "finished\n")
        // A spinning poll burns the whole 0.3 s; ticking every 10 ms costs a few milliseconds.
        #expect(cpu < .milliseconds(100), "the loop burned \(cpu) of CPU while the child slept")
    }

    @Test("a pipe held open by an escaped process ends the loop a drain grace after the exit")
    func heldPipeEndsAfterGrace() async throws {
        let fifo = ProcessProbes.makeFIFO()
        defer { unlink(fifo) }
        let marker = ProcessProbes.uniqueMarker()
        let started = ContinuousClock.now
        let (result, cpu) = try await runWithDeadWakePipe(
            "setsid sh -c 'echo up > \(fifo); exec sleep 20' & read up < \(fifo); echo done", marker: marker)
        #expect(result.standardOutputText == "done\n")
        // The holder lives 20 s; ending well before that is the drain grace at work (loose:
        // a loaded 2-core machine has delayed this test's task by seconds).
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(cpu < .milliseconds(100), "the loop burned \(cpu) of CPU")
        let escaped = ProcessProbes.processes(carrying: marker)
        #expect(!escaped.isEmpty, "the holder should have escaped the group (test premise)")
        escaped.forEach { kill($0, SIGKILL) }
    }
}

/// CPU time consumed by the calling thread.
private func threadCPUTime() -> Duration {
    var usage = rusage()
    getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD, not imported
    let micros = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000 + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec
    return .microseconds(micros)
}
