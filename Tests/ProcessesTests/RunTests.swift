import Foundation
import Glibc
import Processes
import Testing

@Suite("ChildProcess.run", .timeLimit(.minutes(1)))
struct RunTests {
    private func shell(_ script: String, _ configure: (inout ProcessConfiguration) -> Void = { _ in }) -> ProcessConfiguration {
        var configuration = ProcessConfiguration(executable: .path("/bin/sh"), arguments: ["-c", script])
        configure(&configuration)
        return configuration
    }

    @Test("captures stdout and stderr; a non-zero exit is data, not an error")
    func capturesOutputAndExitStatus() async throws {
        let result = try await ChildProcess.run(shell("echo out; echo err >&2; exit 7"))
        #expect(result.standardOutputText == "out\n")
        #expect(result.standardErrorText == "err\n")
        #expect(result.termination == .exited(7))
        #expect(!result.timedOut)
    }

    @Test("a missing executable throws a typed error naming it")
    func missingExecutableThrows() async {
        await #expect(throws: ProcessError.executableNotFound("no-such-tool-cascade")) {
            _ = try await ChildProcess.run(ProcessConfiguration(executable: .name("no-such-tool-cascade")))
        }
    }

    @Test("stdin bytes and stdout are pumped concurrently (1 MiB through cat)")
    func pumpsLargeInputWhileDraining() async throws {
        let input = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let result = try await ChildProcess.run(ProcessConfiguration(
            executable: .path("/bin/cat"), input: .bytes(input), outputLimit: 2 << 20))
        #expect(result.standardOutput == input)
        #expect(result.termination == .exited(0))
    }

    @Test("output beyond the cap is dropped and reported as truncation")
    func capsOutput() async throws {
        let result = try await ChildProcess.run(shell("head -c 20000000 /dev/zero") { $0.outputLimit = 1000 })
        #expect(result.standardOutput.count == 1000)
        #expect(result.standardOutputTruncated)
        #expect(result.standardOutputBytesSeen == 20_000_000)
        #expect(result.termination == .exited(0))
    }

    @Test("fd 3 carries results separately from stdout")
    func resultsDescriptor() async throws {
        let result = try await ChildProcess.run(shell("echo stdout; echo result >&3") { $0.resultsLimit = 100 })
        #expect(String(decoding: result.results, as: UTF8.self) == "result\n")
        #expect(result.standardOutputText == "stdout\n")
    }

    @Test("working directory and environment are exactly what was given")
    func explicitDirectoryAndEnvironment() async throws {
        let result = try await ChildProcess.run(shell("pwd; env | sort") {
            $0.workingDirectory = "/usr"
            $0.environment = .custom(["ONLY": "this"])
        })
        let lines = result.standardOutputText.split(separator: "\n").map(String.init)
        #expect(lines.first == "/usr")
        #expect(lines.contains("ONLY=this"))
        #expect(!lines.contains { $0.hasPrefix("HOME=") })
    }

    @Test("the child starts with no blocked or ignored signals, even though we ignore SIGPIPE")
    func cleanSignalState() async throws {
        ChildProcess.ignoreBrokenPipeSignal()
        let result = try await ChildProcess.run(shell("grep -E '^Sig(Blk|Ign)' /proc/self/status"))
        var masks: [String: UInt64] = [:]
        for line in result.standardOutputText.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            masks[String(parts[0])] = UInt64(parts[1], radix: 16)
        }
        #expect(masks["SigBlk:"] == 0)
        // Signals 1–31 only: 32 and 33 belong to glibc itself (thread cancellation, setxid).
        #expect(try #require(masks["SigIgn:"]) & 0x7fff_ffff == 0)
    }

    @Test("the child leads a new session and process group")
    func newSession() async throws {
        let result = try await ChildProcess.run(shell("cut -d' ' -f5,6 /proc/$$/stat; echo $$"))
        let lines = result.standardOutputText.split(separator: "\n").map(String.init)
        let pid = try #require(lines.last)
        #expect(lines.first == "\(pid) \(pid)")
    }

    @Test("the deadline sends SIGTERM to the group and reports a timeout")
    func deadlineTerminates() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await ChildProcess.run(shell("sleep 30") { $0.timeout = .milliseconds(200) })
        #expect(result.timedOut)
        #expect(result.termination == .signaled(SIGTERM))
        // Far below the child's 30 s: the deadline ended it. (A loose bound: the whole suite
        // runs in parallel on 2 cores; latency itself is measured by `cascade-bench`.)
        #expect(clock.now - start < .seconds(20))
    }

    @Test("a child ignoring SIGTERM gets SIGKILL after the grace period")
    func deadlineEscalatesToKill() async throws {
        let result = try await ChildProcess.run(shell("trap '' TERM; sleep 30") {
            $0.timeout = .milliseconds(100)
            $0.terminationGrace = .milliseconds(100)
        })
        #expect(result.timedOut)
        #expect(result.termination == .signaled(SIGKILL))
    }

    @Test("background children of the group are killed when the leader exits")
    func groupKilledOnExit() async throws {
        let marker = ProcessProbes.uniqueMarker()
        let parts = marker.split(separator: "=", maxSplits: 1).map(String.init)
        let result = try await ChildProcess.run(shell("sleep 30 & echo started") {
            $0.environment = .custom([parts[0]: parts[1]])
        })
        #expect(result.standardOutputText == "started\n")
        #expect(await ProcessProbes.survivors(carrying: marker).isEmpty)
    }

    @Test("cancelling the task kills the whole group at once, not when the child ends")
    func cancellationKillsGroup() async throws {
        let marker = ProcessProbes.uniqueMarker()
        let parts = marker.split(separator: "=", maxSplits: 1).map(String.init)
        let fifo = ProcessProbes.makeFIFO()
        defer { unlink(fifo) }
        let task = Task {
            try await ChildProcess.run(shell("sleep 30 & echo ready > \(fifo); wait") {
                $0.environment = .custom([parts[0]: parts[1]])
            })
        }
        #expect(await ProcessProbes.readFIFO(fifo) == "ready\n")
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Far below the child's 30 s; the < 100 ms figure is for an idle machine (cascade-bench sandbox).
        #expect(clock.now - start < .seconds(15))
        #expect(await ProcessProbes.survivors(carrying: marker).isEmpty)
    }
}
