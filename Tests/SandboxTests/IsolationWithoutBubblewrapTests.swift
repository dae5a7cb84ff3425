import Cascade
import Foundation
import Glibc
import Sandbox
import Testing

/// `auto` where bubblewrap is missing (hidden from the search path here): it isolates with
/// util-linux namespaces or refuses; it never falls back to plain rlimits. Each attack is
/// also run under plain rlimits, where it must succeed, so a passing test means the
/// namespaces stopped it.
/// Executors that look for their tools in a directory of links instead of `$PATH`.
enum HiddenBubblewrap {
    /// A directory of links to the tools `names`, resolved on the real `PATH`; bwrap is never among them.
    static func searchPath(with names: [String]) -> String {
        let directory = NSTemporaryDirectory() + "cascade-path-\(getpid())-\(names.count)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            let candidates = path.split(separator: ":").map { (directory: Substring) -> String in "\(directory)/\(name)" }
            guard let found = candidates.first(where: { access($0, X_OK) == 0 }) else { continue }
            _ = symlink(found, "\(directory)/\(name)")
        }
        return directory
    }

    /// Everything a run needs except bwrap.
    static let executor = SandboxExecutor(searchPath: searchPath(with: ["python3", "python", "node", "prlimit", "unshare", "setpriv", "mount"]))

    static func namespacesWork() async -> Bool {
        await executor.probe(language: "python").namespaces.isAvailable
    }
}

extension SandboxSuite {
@Suite("Isolation without bubblewrap", .enabled("SKIPPED: unshare namespaces do not work here; auto refuses without bubblewrap (see autoRefusesWithoutBubblewrapOrNamespaces)") { await HiddenBubblewrap.namespacesWork() })
struct IsolationWithoutBubblewrapTests {
    static let withoutBubblewrap = HiddenBubblewrap.executor

    static func run(_ solutions: [String], _ tests: [String], _ mode: SandboxMode = .auto, test: Double = 1) async throws -> PassMatrix {
        try await withoutBubblewrap.run(TestJob(language: "python", solutions: solutions, tests: tests,
                                                limits: SandboxFixtures.limits(mode, test: test)))
    }

    @Test("auto uses namespaces, not rlimits, and says what they leave open")
    func autoUsesNamespaces() async throws {
        let layers = await Self.withoutBubblewrap.probe(language: "python")
        #expect(!layers.bubblewrap.isAvailable)
        let active = try await Self.withoutBubblewrap.activeLayers(mode: .auto)
        #expect(active.namespaces && !active.bubblewrap && active.resourceLimits)
        #expect(active.description.contains("not protected: the file system"))
    }

    @Test("a candidate cannot read the environment of its parent or of any process outside (/proc/<pid>/environ)")
    func environIsHidden() async throws {
        // /proc/<pid>/environ shows the environment a process started with, so the secret
        // goes to a process started for it, standing for the server with its API keys.
        let secret = "sk-\(UUID().uuidString)"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sleep")
        holder.arguments = ["30"]
        holder.environment = ["CASCADE_TEST_NAMESPACE_SECRET": secret]
        try holder.run()
        defer { holder.terminate() }
        let snoop = """
        import os
        def snoop():
            found = []
            for pid in ["%d" % os.getppid()] + os.listdir("/proc"):
                try:
                    if "\(secret)" in open("/proc/%s/environ" % pid, errors="replace").read():
                        found.append(pid)
                except OSError:
                    pass
            return found
        """
        let isolated = try await Self.run([snoop], ["assert snoop() == []"])
        #expect(isolated.outcomes == [[.pass]])
        let exposed = try await Self.run([snoop], ["assert snoop() == []"], .rlimits)
        #expect(exposed.outcomes == [[.fail]], "under plain rlimits the secret is readable, or this test proves nothing")
    }

    @Test("a candidate cannot connect to a listener on 127.0.0.1")
    func loopbackIsCut() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let dialer = """
        import socket
        def dial():
            try:
                socket.create_connection(("127.0.0.1", \(listener.port)), timeout=0.5).close()
                return True
            except OSError:
                return False
        """
        let isolated = try await Self.run([dialer], ["assert not dial()"])
        #expect(isolated.outcomes == [[.pass]])
        #expect(listener.acceptedConnections() == 0)
        let exposed = try await Self.run([dialer], ["assert not dial()"], .rlimits)
        #expect(exposed.outcomes == [[.fail]])
        #expect(listener.acceptedConnections() == 1)
    }

    @Test("os.kill(os.getppid(), 9) and kill(-1) do not kill the parent; the next test still runs")
    func killingTheParent() async throws {
        let killer = """
        import os, signal
        def kill_parent():
            for target in (os.getppid(), -1):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            return True
        """
        let matrix = try await Self.run([killer], ["assert kill_parent()", "assert 1 + 1 == 2"])
        #expect(matrix.outcomes == [[.pass, .pass]])
        let again = try await Self.run(["def f():\n    return 1\n"], ["assert f() == 1"])
        #expect(again.outcomes == [[.pass]])
    }

    @Test("Node runs under the namespaces too, with the same verdicts", .enabled(if: JavaScriptFixtures.nodeWorks, "node is not usable here"))
    func nodeUnderNamespaces() async throws {
        let matrix = try await Self.withoutBubblewrap.run(TestJob(
            language: "javascript", solutions: ["function add(a, b) { return a + b; }"],
            tests: ["assert.strictEqual(add(1, 2), 3);", "assert.strictEqual(add(1, 2), 4);", "process.kill(process.ppid);"],
            limits: SandboxFixtures.limits(.auto)))
        #expect(matrix.outcomes == [[.pass, .fail, .error("ReferenceError")]])
        #expect(try await Self.withoutBubblewrap.activeLayers(language: "javascript", mode: .auto).namespaces)
    }

    @Test("writing 1 GB into the run directory fails at its cap and the run ends")
    func scratchIsBounded() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let matrix = try await Self.run([SandboxFixtures.diskFiller], ["assert fill() < 100 * 2 ** 20", "assert fill() >= 2 ** 30"], test: 4)
        #expect(matrix.outcomes == [[.pass, .fail]])
        #expect(clock.now - start < .seconds(10))
    }
}
}

extension SandboxSuite {
@Suite("Refusing without isolation")
struct RefusingWithoutIsolationTests {
    @Test("with neither bubblewrap nor unshare, auto refuses to run and says how to install bubblewrap")
    func autoRefusesWithoutBubblewrapOrNamespaces() async throws {
        let bare = SandboxExecutor(searchPath: HiddenBubblewrap.searchPath(with: ["python3", "python", "prlimit"]))
        let layers = await bare.probe(language: "python")
        #expect(!layers.bubblewrap.isAvailable && !layers.namespaces.isAvailable && layers.resourceLimits.isAvailable)
        do {
            _ = try await bare.run(TestJob(language: "python", solutions: ["def f():\n    return 1\n"], tests: ["assert f() == 1"],
                                          limits: SandboxFixtures.limits(.auto)))
            Issue.record("auto ran without any isolation")
        } catch let error as SandboxError {
            guard case .isolationUnavailable = error else {
                Issue.record("unexpected error: \(error)")
                return
            }
            #expect(error.description.contains("apt-get install -y bubblewrap"))
        }
        // Plain rlimits still run, when asked for by name.
        let named = try await bare.run(TestJob(language: "python", solutions: ["def f():\n    return 1\n"], tests: ["assert f() == 1"],
                                              limits: SandboxFixtures.limits(.rlimits)))
        #expect(named.outcomes == [[.pass]])
    }
}
}
