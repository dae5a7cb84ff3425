import Foundation
import Glibc
import Processes
import Testing

@Suite("ChildProcess.launch", .timeLimit(.minutes(1)))
struct LaunchTests {
    private func logPath() -> String { NSTemporaryDirectory() + "cascade-launch-\(UUID().uuidString).log" }

    @Test("terminate sends SIGTERM to the group; output goes to the log file")
    func terminateGracefully() async throws {
        let log = logPath()
        defer { unlink(log) }
        let fifo = ProcessProbes.makeFIFO()
        defer { unlink(fifo) }
        let server = try ChildProcess.launch(LaunchConfiguration(
            executable: .path("/bin/sh"), arguments: ["-c", "echo hello; echo up > \(fifo); exec sleep 30"],
            logFile: log))
        #expect(await ProcessProbes.readFIFO(fifo) == "up\n")
        #expect(server.isRunning)
        #expect(ChildProcessRegistry.activeProcessGroups.contains(server.processGroup))
        let ended = await server.terminate(grace: .seconds(5))
        #expect(ended == .signaled(SIGTERM))
        #expect(!ChildProcessRegistry.activeProcessGroups.contains(server.processGroup))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "hello\n")
    }

    @Test("terminate escalates to SIGKILL when SIGTERM is ignored")
    func terminateEscalates() async throws {
        let fifo = ProcessProbes.makeFIFO()
        defer { unlink(fifo) }
        let server = try ChildProcess.launch(LaunchConfiguration(
            executable: .path("/bin/sh"), arguments: ["-c", "trap '' TERM; echo up > \(fifo); sleep 30"]))
        #expect(await ProcessProbes.readFIFO(fifo) == "up\n")
        #expect(await server.terminate(grace: .milliseconds(100)) == .signaled(SIGKILL))
    }

    @Test("stdin stays open as a pipe until closed")
    func standardInputPipe() async throws {
        let log = logPath()
        defer { unlink(log) }
        let child = try ChildProcess.launch(LaunchConfiguration(
            executable: .path("/bin/cat"), logFile: log, standardInput: .pipe))
        try child.writeToStandardInput(Array("abc\n".utf8))
        try child.writeToStandardInput(Array("def\n".utf8))
        child.closeStandardInput()
        #expect(await child.waitForExit() == .exited(0))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "abc\ndef\n")
    }

    /// `terminateAll()` itself is not called here: it would kill the groups of every other
    /// test running in this process.
    @Test("launched groups are registered until reaped")
    func registryTracksGroups() async throws {
        let fifo = ProcessProbes.makeFIFO()
        defer { unlink(fifo) }
        let child = try ChildProcess.launch(LaunchConfiguration(
            executable: .path("/bin/sh"), arguments: ["-c", "echo up > \(fifo); exec sleep 30"]))
        #expect(await ProcessProbes.readFIFO(fifo) == "up\n")
        #expect(ChildProcessRegistry.activeProcessGroups.contains(child.processGroup))
        child.signalGroup(SIGKILL)
        #expect(await child.waitForExit() == .signaled(SIGKILL))
        #expect(!ChildProcessRegistry.activeProcessGroups.contains(child.processGroup))
    }
}
