import Foundation
import Glibc
import Processes
import Synchronization
import Testing

/// The capture loop under the conditions of the LSP cancellation hang: many concurrent runs,
/// cancelled at random moments, children whose grandchildren (some escaped into their own
/// session) keep the output pipes open.
@Suite("ChildProcess.run under concurrency and cancellation", .timeLimit(.minutes(1)))
struct CaptureStressTests {
    private func shell(_ script: String, marker: String) -> ProcessConfiguration {
        let parts = marker.split(separator: "=", maxSplits: 1).map(String.init)
        return ProcessConfiguration(
            executable: .path("/bin/sh"), arguments: ["-c", script], environment: .custom([parts[0]: parts[1], "PATH": "/usr/bin:/bin"]))
    }

    /// Kills what escaped the group (setsid daemons) so tests leave nothing behind.
    private func killEscapees(_ marker: String) async {
        for pid in ProcessProbes.processes(carrying: marker) { kill(pid, SIGKILL) }
        _ = await ProcessProbes.survivors(carrying: marker)
    }

    @Test("runs cancelled at random moments never disturb the descriptors of concurrent runs")
    func randomCancellationsLeaveOtherRunsIntact() async throws {
        let marker = ProcessProbes.uniqueMarker()
        defer { Task { await killEscapees(marker) } }
        var stuck = 0
        var wrong: [String] = []
        for round in 0..<40 {
            let outcomes = await withTaskGroup(of: String?.self, returning: [String?].self) { group in
                for index in 0..<6 {
                    // Cancelled at a random moment, with grandchildren in and out of the group holding the pipes.
                    group.addTask {
                        let task = Task {
                            try await ChildProcess.run(shell(
                                "sleep 5 & (sleep 5 &); setsid sleep 2 & echo \(index); exec sleep 5", marker: marker))
                        }
                        try? await Task.sleep(for: .microseconds(Int.random(in: 0...20_000)))
                        task.cancel()
                        let finished = await finishes(within: .seconds(10)) { _ = try? await task.value }
                        return finished ? nil : "cancelled run \(round).\(index) never returned"
                    }
                    // Runs to completion beside them; its output must arrive intact.
                    group.addTask {
                        let expected = "ok-\(round)-\(index)\n"
                        let task = Task {
                            try await ChildProcess.run(shell("sleep 0.0\(Int.random(in: 0...3)); printf '\(expected)'", marker: marker))
                        }
                        let outcome = Mutex<String?>(nil)
                        let finished = await finishes(within: .seconds(10)) {
                            do {
                                let result = try await task.value
                                if result.standardOutputText != expected || result.termination != .exited(0) {
                                    let text = "run \(round).\(index): \(result.termination), output \(result.standardOutputText.debugDescription)"
                                    outcome.withLock { $0 = text }
                                }
                            } catch {
                                let text = "run \(round).\(index) threw \(error)"
                                outcome.withLock { $0 = text }
                            }
                        }
                        return finished ? outcome.withLock { $0 } : "completing run \(round).\(index) never returned"
                    }
                }
                var all: [String?] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            for case let problem? in outcomes {
                if problem.contains("never returned") { stuck += 1 } else { wrong.append(problem) }
            }
            if stuck > 0 { break }
        }
        #expect(stuck == 0, "runs hung in the capture loop")
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test("a cancelled run closes only its own descriptors, never a number another thread reopened")
    func cancellationNeverClosesForeignDescriptors() async throws {
        let marker = ProcessProbes.uniqueMarker()
        let churn = DescriptorChurn()
        // Its own thread: a busy loop on a cooperative-pool thread would stall every other suite.
        let (churnEnded, ended) = AsyncStream<Void>.makeStream()
        Thread { churn.run(); ended.finish() }.start()
        for _ in 0..<150 {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let task = Task { try await ChildProcess.run(shell("exec sleep 5", marker: marker)) }
                        try? await Task.sleep(for: .microseconds(Int.random(in: 500...5_000)))
                        task.cancel()
                        _ = await finishes(within: .seconds(10)) { _ = try? await task.value }
                    }
                }
            }
            if churn.foreignCloses.load(ordering: .relaxed) > 0 { break }
        }
        churn.stop.store(true, ordering: .relaxed)
        for await _ in churnEnded {}
        #expect(churn.foreignCloses.load(ordering: .relaxed) == 0, "someone closed descriptors this thread owned")
        await killEscapees(marker)
    }

    @Test("a daemonised grandchild holding stdout does not keep the run waiting after the child exits")
    func escapedHolderDoesNotBlock() async throws {
        let marker = ProcessProbes.uniqueMarker()
        let fifo = ProcessProbes.makeFIFO()
        defer { unlink(fifo) }
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await ChildProcess.run(shell("setsid sh -c 'echo up > \(fifo); exec sleep 30' & read up < \(fifo); echo done", marker: marker))
        #expect(result.standardOutputText == "done\n")
        // Far below the daemon's 30 s, with room for a loaded machine.
        #expect(clock.now - start < .seconds(15))
        #expect(!ProcessProbes.processes(carrying: marker).isEmpty, "the daemon should have escaped the group (test premise)")
        await killEscapees(marker)
    }

    @Test("an escaped endless writer on stdout neither starves cancellation nor keeps the run alive")
    func escapedFastWriterIsBounded() async throws {
        let marker = ProcessProbes.uniqueMarker()
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await ChildProcess.run(shell("setsid yes & sleep 0.2; echo done >&2", marker: marker))
        #expect(result.standardErrorText == "done\n")
        #expect(result.standardOutputBytesSeen > 0)
        #expect(clock.now - start < .seconds(15))

        // Same writer, but the run is cancelled while it floods the pipe.
        let fifo = ProcessProbes.makeFIFO()
        defer { unlink(fifo) }
        let task = Task { try await ChildProcess.run(shell("setsid yes & echo ready > \(fifo); exec sleep 30", marker: marker)) }
        #expect(await ProcessProbes.readFIFO(fifo) == "ready\n")
        let cancelledAt = clock.now
        task.cancel()
        // The writer never stops: any bound proves the point; this one leaves room for load.
        let finished = await finishes(within: .seconds(15)) { _ = try? await task.value }
        #expect(finished, "cancellation was not observed while an escaped writer flooded stdout")
        #expect(clock.now - cancelledAt < .seconds(15))
        await killEscapees(marker)
    }
}

/// Runs `body` in its own task; true if it finished within `limit`. A hung body is left behind
/// (it cannot be forced to stop) but the caller moves on.
func finishes(within limit: Duration, _ body: @escaping @Sendable () async -> Void) async -> Bool {
    let resumed = Mutex(false)
    return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        let once: @Sendable (Bool) -> Void = { value in
            if resumed.withLock({ done in defer { done = true }; return !done }) { continuation.resume(returning: value) }
        }
        Task { await body(); once(true) }
        Task { try? await Task.sleep(for: limit); once(false) }
    }
}

/// Keeps opening and closing /dev/null on its own thread and checks that every descriptor it
/// still holds is still its own: a double close elsewhere shows up as EBADF or a different file.
final class DescriptorChurn: Sendable {
    let stop = Atomic(false)
    let foreignCloses = Atomic(0)

    func run() {
        var held: [(fd: Int32, inode: UInt)] = []
        var info = stat()
        while !stop.load(ordering: .relaxed) {
            let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
            if fd >= 0, fstat(fd, &info) == 0 { held.append((fd, UInt(info.st_ino))) }
            if held.count > 24 { close(held.removeFirst().fd) }
            for entry in held where fstat(entry.fd, &info) != 0 || UInt(info.st_ino) != entry.inode {
                foreignCloses.add(1, ordering: .relaxed)
            }
            held = held.filter { fstat($0.fd, &info) == 0 && UInt(info.st_ino) == $0.inode }
            sched_yield()
        }
        held.forEach { close($0.fd) }
    }
}
