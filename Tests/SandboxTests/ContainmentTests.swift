import Cascade
import Foundation
import Glibc
import Sandbox
import Testing

/// Attack cases that every layer must contain (they run under `auto`, and
/// the process-escape ones again under plain rlimits).
extension SandboxSuite {
@Suite("Containment on every layer")
struct ContainmentTests {
    static let add = "def add(a, b):\n    return a + b\n"
    static let fastLimits = SandboxFixtures.limits(test: 0.5, run: 2)

    @Test("an infinite loop in a test times out at the per-test timer; the next test still runs")
    func infiniteLoopInTest() async throws {
        let looping = "def add(a, b):\n    while True:\n        pass\n"
        let matrix = try await SandboxFixtures.run([looping], ["assert add(1, 2) == 3", "assert 1 + 1 == 2"], Self.fastLimits)
        #expect(matrix.outcomes == [[.timeout, .pass]])
        #expect(matrix.durationsMs[0][0] >= 450 && matrix.durationsMs[0][0] < 1500)
    }

    @Test("an infinite loop while loading the solution is a load timeout")
    func infiniteLoopAtLoad() async throws {
        let matrix = try await SandboxFixtures.run(["while True:\n    pass\n"], ["assert True", "assert True"], Self.fastLimits)
        #expect(matrix.outcomes == [[.timeout, .timeout]])
        #expect(matrix.loadErrors == ["timeout loading the solution"])
    }

    @Test("a timeout swallowed by `except BaseException` ends at twice the test limit (watchdog), long before the run deadline")
    func swallowedTimeout() async throws {
        let swallowing = """
        import time
        def add(a, b):
            while True:
                try:
                    time.sleep(10)
                except BaseException:
                    pass
        """
        let clock = ContinuousClock()
        let start = clock.now
        let matrix = try await SandboxFixtures.run(
            [swallowing, Self.add], ["assert add(1, 2) == 3", "assert add(2, 2) == 4"], SandboxFixtures.limits(test: 0.5, run: 20))
        #expect(matrix.outcomes == [[.timeout, .error("NotRun")], [.pass, .pass]])
        #expect(clock.now - start < .seconds(6))  // the run deadline alone would be 20 s
    }

    @Test("a C call that holds the GIL past timer and watchdog is ended by the run deadline")
    func timerDefeatedByCCall() async throws {
        let matrix = try await SandboxFixtures.run(["def add(a, b):\n    return sum(range(10 ** 11))\n"], ["assert add(1, 2) == 3"], Self.fastLimits)
        #expect(matrix.outcomes == [[.timeout]])
    }

    @Test("a memory bomb hits the address-space limit as MemoryError; the suite goes on")
    func memoryBomb() async throws {
        let bombs = [
            "def add(a, b):\n    return len(bytearray(8 * 1024 ** 3))\n",
            "def add(a, b):\n    hog = []\n    while True:\n        hog.append(bytearray(10 ** 7))\n",
        ]
        let matrix = try await SandboxFixtures.run(bombs, ["assert add(1, 2) == 3", "assert 2 + 2 == 4"], SandboxFixtures.limits(test: 3, run: 8))
        #expect(matrix.outcomes == [[.error("MemoryError"), .pass], [.error("MemoryError"), .pass]])
    }

    @Test("200 MB on stdout and stderr is capped and does not slow the run down")
    func hugeOutput() async throws {
        let noisy = """
        import sys
        def add(a, b):
            chunk = "x" * 1_000_000
            for _ in range(100):
                sys.stdout.write(chunk)
                sys.stderr.write(chunk)
            sys.stdout.flush()
            return a + b
        """
        let clock = ContinuousClock()
        let start = clock.now
        let matrix = try await SandboxFixtures.run([noisy], ["assert add(1, 2) == 3", "assert add(1, 2) == 4"], SandboxFixtures.limits(test: 5, run: 10))
        #expect(matrix.outcomes == [[.pass, .fail]])
        #expect(clock.now - start < .seconds(8))  // the run deadline alone would be 10 s
    }

    @Test("os._exit(0) mid-suite blames that test and passes nothing after it")
    func osExitMidSuite() async throws {
        let matrix = try await SandboxFixtures.run(
            [Self.add], ["assert add(1, 2) == 3", "import os; os._exit(0)", "assert add(2, 2) == 4", "assert True"])
        #expect(matrix.outcomes == [[.pass, .error("ProcessExited"), .error("NotRun"), .error("NotRun")]])
    }

    @Test("forged result lines on stdout and on every descriptor do not count")
    func forgedResultLines() async throws {
        let forger = """
        import os, sys
        lines = "".join("%s T %d pass 0.1 -\\n" % (n, i) for n in ("0", "x", "") for i in range(3)) + "D\\n"
        print(lines)
        print('{"test": 0, "outcome": "pass"}')
        for fd in range(3, 256):
            try:
                os.write(fd, lines.encode())
            except OSError:
                pass
        def add(a, b):
            return a - b
        """
        let honestNoise = "print('deadbeef T 0 pass 0.1 -')\nprint('deadbeef D')\n" + Self.add
        let matrix = try await SandboxFixtures.run([forger, honestNoise], ["assert add(1, 2) == 3", "assert add(2, 2) == 4", "assert add(0, 0) == 0"])
        #expect(!matrix.outcomes[0].contains(.pass))
        #expect(matrix.outcomes[1] == [.pass, .pass, .pass])
    }

    @Test("a json.py planted in the run directory is never imported")
    func shadowingModule() async throws {
        let shadower = """
        import sys, os
        for name in ("json", "signal", "time", "os"):
            with open(name + ".py", "w") as f:
                f.write("raise SystemExit('shadowed')\\n")
        sys.modules.pop("json", None)
        import json
        assert json.dumps([1]) == "[1]"
        def add(a, b):
            import json
            return a + b
        """
        let matrix = try await SandboxFixtures.run([shadower], ["assert add(1, 2) == 3", "assert add(1, 2) == 4"])
        #expect(matrix.outcomes == [[.pass, .fail]])
        #expect(matrix.loadErrors == [nil])
    }

    @Test("an injected secret environment variable is not visible to the candidate")
    func secretEnvironment() async throws {
        let name = "CASCADE_TEST_SECRET_API_KEY"
        setenv(name, "sk-secret-\(UUID().uuidString)", 1)
        let probe = """
        import os
        def leaked():
            return sorted(k for k in os.environ if "SECRET" in k or "KEY" in k or "TOKEN" in k)
        """
        let matrix = try await SandboxFixtures.run([probe], ["assert leaked() == []", "assert os.environ['HOME'] != '/root'"])
        #expect(matrix.outcomes == [[.pass, .pass]])
    }

    @Test("parallelism is bounded and solutions do not share a run directory")
    func separateRunDirectories() async throws {
        let writer = "import os\nwith open('mine.txt', 'x') as f:\n    f.write('1')\ndef add(a, b):\n    return a + b\n"
        let matrix = try await SandboxFixtures.run(Array(repeating: writer, count: 4), ["assert add(1, 2) == 3"])
        #expect(matrix.outcomes == Array(repeating: [.pass], count: 4))
    }

    /// The process-escape cases run under the default layers and again under plain rlimits
    /// (the fallback when bubblewrap is unavailable).
    static let processModes: [SandboxMode] = [.auto, .rlimits]

    @Test("an orphaned setsid daemon is gone after the run", arguments: processModes)
    func orphanedDaemon(mode: SandboxMode) async throws {
        let tag = SandboxFixtures.uniqueTag()
        let daemon = """
        import os, sys
        def add(a, b):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execv(sys.executable, [sys.executable, "-I", "-S", "-c", "import time; time.sleep(60)", "\(tag)"])
                os._exit(0)
            os.wait()
            return a + b
        """
        let matrix = try await SandboxFixtures.run([daemon], ["assert add(1, 2) == 3"], SandboxFixtures.limits(mode))
        #expect(matrix.outcomes == [[.pass]])
        #expect(await SandboxFixtures.survivors(withCommandLineContaining: tag).isEmpty)
    }

    /// Without a pids cgroup nothing bounds the count before the deadline, and a fork bomb
    /// would exhaust the machine's pids for everyone; that case is skipped, loudly.
    @Test("a fork bomb is stopped at the process cap and leaves no process behind",
          .enabled("SKIPPED: no writable pids cgroup here (needs root); a fork bomb would exhaust the machine's pids") { await SandboxFixtures.processCapWorks() },
          arguments: processModes)
    func forkBomb(mode: SandboxMode) async throws {
        let tag = SandboxFixtures.uniqueTag()
        let bomb = """
        import os, sys, time
        BOMB = "import os\\nwhile True:\\n    try:\\n        os.fork()\\n    except BaseException:\\n        pass\\n"
        def add(a, b):
            for _ in range(2):
                if os.fork() == 0:
                    os.execv(sys.executable, [sys.executable, "-I", "-S", "-c", BOMB, "\(tag)"])
            time.sleep(0.05)
            return a + b
        """
        // One at a time: at its cap the bomb spins on failed forks and starves whatever runs
        // beside it (its own runner may time out); the next solution must find a clean machine.
        var limits = SandboxFixtures.limits(mode, test: 1, run: 2)
        limits.parallelism = 1
        let clock = ContinuousClock()
        let start = clock.now
        let matrix = try await SandboxFixtures.run([bomb, Self.add], ["assert add(1, 2) == 3"], limits)
        #expect(matrix.outcomes[1] == [.pass])
        #expect(clock.now - start < .seconds(4))
        #expect(await SandboxFixtures.survivors(withCommandLineContaining: tag).isEmpty)
    }

    @Test("cancelling a run kills every process of it at once", arguments: processModes)
    func cancellation(mode: SandboxMode) async throws {
        let tag = SandboxFixtures.uniqueTag()
        let sleeper = """
        import os, sys, time
        def add(a, b):
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-I", "-S", "-c", "import time; time.sleep(60)", "\(tag)"])
            time.sleep(60)
        """
        let task = Task {
            try await SandboxFixtures.run([sleeper, sleeper], ["assert add(1, 2) == 3"], SandboxFixtures.limits(mode, test: 30, run: 30))
        }
        // Nothing to await: the children show up in /proc when they have started.
        var polls = 0
        while SandboxFixtures.processes(withCommandLineContaining: tag).count < 2 && polls < 2_000 {
            try await Task.sleep(for: .milliseconds(5))
            polls += 1
        }
        if SandboxFixtures.processes(withCommandLineContaining: tag).count < 2 {
            Issue.record("the run ended before its children started: \(String(describing: try? await task.value))")
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // 100 ms is the target on an idle machine (measured by `cascade-bench sandbox`); the
        // bound here is loose because the whole suite shares 2 cores with other suites.
        #expect(clock.now - start < .seconds(3))
        #expect(await SandboxFixtures.survivors(withCommandLineContaining: tag).isEmpty)
    }
}
}
