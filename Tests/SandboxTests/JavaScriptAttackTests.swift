import Cascade
import Foundation
import Glibc
import Sandbox
import Testing

/// Hostile JavaScript candidates: each attack must fail, be stopped in time, and leave the
/// host untouched. Two levels: code inside the runner's vm context (what candidates get),
/// and `EscapedNodeRunner`, which runs attack code as the runner itself, as if the vm
/// context had been escaped, to show the layers beneath it (permission model, bubblewrap,
/// rlimits) hold on their own.
@Suite("JavaScript attacks", .timeLimit(.minutes(1)), .enabled(if: JavaScriptFixtures.nodeWorks, "node (Node.js 20) is not usable here"))
struct JavaScriptAttackTests {
    static let ok = "function ok() { return 1; }\n"

    @Test("an infinite loop is a timeout of that test; the next test still runs")
    func infiniteLoop() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let matrix = try await JavaScriptFixtures.run(["function f() { while (true) {} }"], ["f();", "assert.ok(true);"],
                                                      SandboxFixtures.limits(test: 0.5))
        #expect(matrix.outcomes == [[.timeout, .pass]])
        // Loose: the whole suite shares 2 cores and the run may wait for a slot (30 s was seen, the probe of the first job
        // included); the outcomes above already show the per-test timer won.
        #expect(clock.now - start < .seconds(45))
    }

    @Test("while(true) in a promise, a then-callback or a timer is a timeout, not a hang")
    func loopInPromise() async throws {
        let tests = [
            "await new Promise(() => { while (true) {} });",
            "Promise.resolve().then(() => { while (true) {} });",
            "setTimeout(() => { while (true) {} }, 0); await new Promise((resolve) => setTimeout(resolve, 50));",
            "await new Promise(() => {});",
            "assert.ok(true);",
        ]
        let clock = ContinuousClock()
        let start = clock.now
        let matrix = try await JavaScriptFixtures.run([Self.ok], tests, SandboxFixtures.limits(test: 0.3))
        #expect(matrix.outcomes == [[.timeout, .timeout, .timeout, .timeout, .pass]])
        // Loose (2 shared cores, and the run may wait for a slot); the last test passing
        // already shows no loop hung the run.
        #expect(clock.now - start < .seconds(45))
    }

    @Test("a memory bomb dies at the heap limit and does not take other solutions with it")
    func memoryBomb() async throws {
        let heap = "function f() { const a = []; for (;;) a.push(new Array(1e5).fill(1.5)); }"
        let buffers = "function f() { const a = []; for (;;) a.push(new Float64Array(1 << 24)); }"
        let matrix = try await JavaScriptFixtures.run([heap, buffers, "function f() { return 1; }"], ["assert.strictEqual(f(), 1);"],
                                                      SandboxFixtures.limits(test: 3, run: 5, memoryMB: 128))
        #expect(matrix.outcomes[0] != [.pass])
        #expect(matrix.outcomes[1] != [.pass])
        #expect(matrix.outcomes[2] == [.pass])
    }

    @Test("200 MB of console output goes nowhere and cannot flood the host")
    func hugeOutput() async throws {
        let matrix = try await JavaScriptFixtures.run(
            ["function f() { const line = 'x'.repeat(1 << 20); for (let i = 0; i < 200; i++) { console.log(line); console.error(line); } return 1; }"],
            ["assert.strictEqual(f(), 1);"])
        #expect(matrix.outcomes == [[.pass]])
    }

    @Test("require('child_process') and the Function-constructor escape to process are refused")
    func childProcessAndEscape() async throws {
        let tag = SandboxFixtures.uniqueTag()
        let marker = "/tmp/\(tag)"
        let tests = [
            "require('child_process').execSync('touch \(marker)');",
            "require('node:child_process').spawnSync('touch', ['\(marker)']);",
            "this.constructor.constructor('return process')().mainModule.require('child_process').execSync('touch \(marker)');",
            "process.kill(process.ppid);",
            "assert.ok(true);",
        ]
        let matrix = try await JavaScriptFixtures.run([Self.ok], tests)
        #expect(matrix.outcomes == [[.error("Error"), .error("Error"), .error("EvalError"), .error("ReferenceError"), .pass]])
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("fs writes outside the run directory are refused")
    func fsWrites() async throws {
        let marker = "/tmp/\(SandboxFixtures.uniqueTag())"
        let matrix = try await JavaScriptFixtures.run(
            [Self.ok], ["require('fs').writeFileSync('\(marker)', 'x');", "require('node:fs/promises');"])
        #expect(matrix.outcomes == [[.error("Error"), .error("Error")]])
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    // MARK: - Below the vm context

    @Test("escaped: the harness reports a successful attack as a pass")
    func escapedHarness() async throws {
        #expect(try await EscapedNodeRunner.attempt("return true;") == .pass)
    }

    @Test("escaped: child_process and fs writes outside the run directory are denied by the permission model")
    func escapedChildProcessAndFs() async throws {
        let marker = "/tmp/\(SandboxFixtures.uniqueTag())"
        #expect(try await EscapedNodeRunner.attempt("require('child_process').execSync('touch \(marker)'); return true;") == .fail)
        #expect(try await EscapedNodeRunner.attempt("require('fs').writeFileSync('\(marker)', 'x'); return true;") == .fail)
        #expect(try await EscapedNodeRunner.attempt("require('fs').readFileSync('/etc/passwd'); return true;") == .fail)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("escaped: TCP to a listener on 127.0.0.1 never arrives (network namespace)",
          .enabled(if: JavaScriptFixtures.bubblewrapWorks, "needs bubblewrap: Node 20's permission model does not cover the network"))
    func escapedNetwork() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let attack = """
            const net = require('net');
            return await new Promise((resolve) => {
              const socket = net.connect(\(listener.port), '127.0.0.1', () => resolve(true));
              socket.on('error', () => resolve(false));
            });
            """
        #expect(try await EscapedNodeRunner.attempt(attack) == .fail)
        #expect(listener.acceptedConnections() == 0)
        // The same attack without bubblewrap reaches the listener: the test can fail.
        #expect(try await EscapedNodeRunner.attempt(attack, mode: .rlimits) == .pass)
        #expect(listener.acceptedConnections() == 1)
    }

    @Test("escaped: process.kill(process.ppid) cannot reach the host (PID namespace)",
          .enabled(if: JavaScriptFixtures.bubblewrapWorks, "needs bubblewrap: without a PID namespace the parent is this test process"))
    func escapedKillParent() async throws {
        let outcome = try await EscapedNodeRunner.attempt("process.kill(process.ppid, 'SIGKILL'); return false;")
        #expect(outcome != .pass)
        // Still here, and the sandbox still works.
        #expect(try await EscapedNodeRunner.attempt("return true;") == .pass)
    }
}

/// Runs attack code as the Node runner itself (same flags, same layers), reporting `pass` when
/// the attack returned true.
struct EscapedNodeRunner: LanguageRunner {
    let attack: String

    var language: String { "javascript-escaped" }
    var interpreterNames: [String] { JavaScriptRunner().interpreterNames }
    var introspectionArguments: [String] { JavaScriptRunner().introspectionArguments }
    var probeArguments: [String] { JavaScriptRunner().probeArguments }
    var runnerArguments: [String] { runnerArguments(memoryMB: 256) }
    func addressSpaceBytes(memoryMB: Int) -> Int { JavaScriptRunner().addressSpaceBytes(memoryMB: memoryMB) }

    func runnerArguments(memoryMB: Int) -> [String] {
        let program = """
            const fs = require('fs');
            const input = fs.readFileSync(0);
            const nonce = input.toString('utf8', 0, input.indexOf(10));
            const emit = (text) => fs.writeSync(3, nonce + ' ' + text + '\\n');
            emit('L 0');
            (async () => {
              let outcome = 'fail';
              try { if (await (async () => { \(attack) })()) outcome = 'pass'; } catch (error) { outcome = 'fail'; }
              emit('T 0 ' + outcome + ' 0 -');
              emit('D');
              process.exit(0);
            })();
            """
        return Array(JavaScriptRunner().runnerArguments(memoryMB: memoryMB).dropLast()) + [program]
    }

    static func attempt(_ attack: String, mode: SandboxMode = .auto) async throws -> TestOutcome {
        let executor = SlottedExecutor(base: SandboxExecutor(runners: [EscapedNodeRunner(attack: attack)]))
        let matrix = try await executor.run(TestJob(
            language: "javascript-escaped", solutions: [""], tests: ["attack"], limits: SandboxFixtures.limits(mode)))
        return matrix.outcomes[0][0]
    }
}

/// A TCP listener on 127.0.0.1 that counts the connections that reached it.
final class LoopbackListener: @unchecked Sendable {
    // Only touched from the test that owns it.
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        descriptor = fd
        port = UInt16(bigEndian: address.sin_port)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    func acceptedConnections() -> Int {
        var count = 0
        while true {
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { return count }
            Glibc.close(client)
            count += 1
        }
    }

    func close() { Glibc.close(descriptor) }
}
