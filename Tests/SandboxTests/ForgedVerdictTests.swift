import Cascade
import Foundation
import Sandbox
import Testing

/// Wrong candidates that try to make themselves "passed" instead of being right. Each trick
/// worked against the runners before the verdict moved out of the candidate's reach; now
/// each must end as a failing candidate, while a correct one in the same job still passes
/// test by test.
extension SandboxSuite {
@Suite("Forged verdicts (Python)")
struct ForgedVerdictTests {
    static let wrong = "def add(a, b):\n    return a - b\n"
    static let right = "def add(a, b):\n    return a + b\n"
    static let tests = ["assert add(1, 2) == 3", "assert add(2, 2) == 4", "assert add(0, 5) == 5"]

    /// Runs the trick beside a correct solution; the trick passes nothing, the correct one everything.
    static func expectNoPass(_ trick: String, _ limits: ExecutionConfig = SandboxFixtures.limits(), sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let matrix = try await SandboxFixtures.run([trick, right], tests, limits)
        #expect(!matrix.outcomes[0].contains(.pass), "the trick passed: \(matrix.outcomes[0]) \(matrix.loadErrors[0] ?? "")", sourceLocation: sourceLocation)
        #expect(matrix.outcomes[1] == [.pass, .pass, .pass], sourceLocation: sourceLocation)
    }

    @Test("walking sys._getframe() up to the runner and calling its result writer")
    func frameWalk() async throws {
        try await Self.expectNoPass("""
        import sys, os
        def forge():
            f = sys._getframe()
            while f is not None:
                for scope in (f.f_locals, f.f_globals):
                    for name in ("emit", "emit_locked"):
                        fn = scope.get(name)
                        if callable(fn):
                            for i in range(3):
                                fn("T %d pass 0.1 -" % i)
                            fn("D")
                            os._exit(0)
                f = f.f_back
        def add(a, b):
            forge()
            return a - b
        """)
    }

    @Test("finding the result writer with gc.get_objects() and gc.get_referrers()")
    func garbageCollectorWalk() async throws {
        try await Self.expectNoPass("""
        import gc, os, sys
        def forge():
            found = [o for o in gc.get_objects() if callable(o) and getattr(o, "__name__", "") in ("emit", "emit_locked")]
            found += [r for r in gc.get_referrers(sys._getframe().f_code) if callable(r) and getattr(r, "__name__", "") == "emit"]
            for writer in found:
                for i in range(3):
                    writer("T %d pass 0.1 -" % i)
                writer("D")
                os._exit(0)
        def add(a, b):
            forge()
            return a - b
        """)
    }

    @Test("replacing builtins.exec so the tests never run")
    func replacedExec() async throws {
        try await Self.expectNoPass("import builtins\nbuiltins.exec = lambda *args, **kwargs: None\n" + Self.wrong)
    }

    @Test("returning an object whose __eq__ is always True, or an int subclass that says so")
    func alwaysEqual() async throws {
        try await Self.expectNoPass("""
        class Anything:
            def __eq__(self, other):
                return True
            def __ne__(self, other):
                return False
            __hash__ = object.__hash__
        def add(a, b):
            return Anything()
        """)
        try await Self.expectNoPass("""
        class Int(int):
            def __eq__(self, other):
                return True
            __hash__ = int.__hash__
        def add(a, b):
            return Int(a - b)
        """)
    }

    @Test("reading the expected values out of the runner's own test list (frames and gc)")
    func readingExpectedValues() async throws {
        try await Self.expectNoPass("""
        import gc, sys
        def expected(a, b, tests):
            prefix = "assert add(%d, %d) == " % (a, b)
            for test in tests:
                if type(test) is str and test.startswith(prefix):
                    return int(test[len(prefix):])
        def add(a, b):
            f = sys._getframe()
            while f is not None:
                for value in f.f_locals.values():
                    if type(value) is list and expected(a, b, value) is not None:
                        return expected(a, b, value)
                f = f.f_back
            for value in gc.get_objects():
                if type(value) is list and expected(a, b, value) is not None:
                    return expected(a, b, value)
            return a - b
        """)
    }

    @Test("shadowing builtins the tests use (len, sorted, isinstance)")
    func shadowedBuiltins() async throws {
        let shadow = "def len(x):\n    return 3\ndef sorted(x):\n    return [1, 2]\ndef isinstance(x, t):\n    return True\n" + Self.wrong
        let matrix = try await SandboxFixtures.run(
            [shadow, Self.right], ["assert len(add(1, 2)) == 3", "assert sorted(add(2, 1)) == [1, 2]", "assert isinstance(add(1, 1), str)"])
        #expect(!matrix.outcomes[0].contains(.pass))
    }

    @Test("tracing the judge, or killing it, gets a wrong candidate nothing")
    func traceOrKillTheJudge() async throws {
        try await Self.expectNoPass("""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        def add(a, b):
            judge = os.getppid()
            if libc.ptrace(16, judge, 0, 0) == 0:  # PTRACE_ATTACH: the judge's memory would be ours
                libc.ptrace(17, judge, 0, 0)
                return a + b
            return a - b
        """)
        try await Self.expectNoPass("""
        import os, signal
        def add(a, b):
            for target in (os.getppid(), -1, 1):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            return a - b
        """)
    }

    @Test("writing forged protocol messages to the judge's pipe")
    func garbageOnThePipe() async throws {
        try await Self.expectNoPass("""
        import os
        def add(a, b):
            for fd in range(3, 64):
                try:
                    os.write(fd, b"12\\nt2:s1:rs2:ok")
                except OSError:
                    pass
            return a - b
        """)
    }

    @Test("real candidates keep their per-test results: classes, generators, in-place changes, callbacks, exceptions, Counter")
    func correctCandidatesStillPass() async throws {
        let solution = """
        from collections import Counter
        class Stack:
            def __init__(self):
                self.items = []
            def push(self, x):
                self.items.append(x)
                return self
            def pop(self):
                return self.items.pop()
        def evens(n):
            for i in range(0, n, 2):
                yield i
        def sort_in_place(xs):
            xs.sort()
        def apply(f, x):
            return f(x)
        def positive(x):
            if x < 0:
                raise ValueError("negative")
            return x
        def count(s):
            return Counter(s)
        """
        let tests = [
            "s = Stack(); s.push(1).push(2); assert s.pop() == 2 and s.items == [1]",
            "assert list(evens(7)) == [0, 2, 4, 6] and 4 in evens(7)",
            "xs = [3, 1, 2]; sort_in_place(xs); assert xs == [1, 2, 3]",
            "assert apply(lambda x: x * 2, 21) == 42",
            "try:\n    positive(-1)\nexcept ValueError as e:\n    assert str(e) == 'negative'\nelse:\n    assert False",
            "assert count('aab') == {'a': 2, 'b': 1}",
            "assert positive(-1) == 1",
            "assert apply(len, 'abc') == 4",
        ]
        let matrix = try await SandboxFixtures.run([solution], tests)
        #expect(matrix.outcomes == [[.pass, .pass, .pass, .pass, .pass, .pass, .error("ValueError"), .fail]])
    }
}
}

/// The same for Node: the tracker, `assert` and the intrinsics a test relies on are out of reach.
@Suite("Forged verdicts (JavaScript)", .timeLimit(.minutes(1)), .enabled(if: JavaScriptFixtures.nodeWorks, "node (Node.js 20) is not usable here"))
struct JavaScriptForgedVerdictTests {
    static let wrong = "function add(a, b) { return a - b; }\nasync function later(x) { return x; }\n"
    static let right = "function add(a, b) { return a + b; }\nasync function later(x) { return x * 2; }\n"
    static let tests = [
        "assert.strictEqual(add(1, 2), 3);",
        "assert.deepStrictEqual([add(2, 2)], [4]);",
        "assert.ok(add(1, 1) === 2);",
        "assert.strictEqual(await later(21), 42);",
        "assert.ok([add(1, 1)].includes(2));",
        "assert.strictEqual(JSON.stringify([add(1, 1)]), '[2]');",
    ]

    static func expectNoPass(_ trick: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let matrix = try await JavaScriptFixtures.run([trick + "\n" + wrong, right], tests)
        #expect(!matrix.outcomes[0].contains(.pass), "the trick passed: \(matrix.outcomes[0]) \(matrix.loadErrors[0] ?? "")", sourceLocation: sourceLocation)
        #expect(matrix.outcomes[1] == Array(repeating: .pass, count: tests.count), sourceLocation: sourceLocation)
    }

    @Test("replacing globalThis.__cascadeTrack so an async test counts as settled")
    func replacedTracker() async throws {
        try await Self.expectNoPass("globalThis.__cascadeTrack = (value, state) => { state.settled = 1; };")
    }

    @Test("replacing globalThis.assert")
    func replacedAssert() async throws {
        try await Self.expectNoPass("globalThis.assert = Object.assign(() => {}, { strictEqual() {}, deepStrictEqual() {}, ok() {} });")
    }

    @Test("patching assert.strictEqual and require('assert')")
    func patchedAssert() async throws {
        try await Self.expectNoPass("""
            try { assert.strictEqual = () => {}; assert.deepStrictEqual = () => {}; assert.ok = () => {}; } catch (e) {}
            try { const a = require('assert'); a.strictEqual = () => {}; Object.defineProperty(a, 'ok', { value: () => {} }); } catch (e) {}
            """)
    }

    @Test("patching the intrinsics a test uses: Object.is, Array.prototype.includes, JSON.stringify, Promise.prototype.then")
    func patchedIntrinsics() async throws {
        try await Self.expectNoPass("""
            try { Object.is = () => true; } catch (e) {}
            try { Array.prototype.includes = () => true; } catch (e) {}
            try { JSON.stringify = () => '[2]'; } catch (e) {}
            try { Promise.prototype.then = function (ok) { ok(); }; } catch (e) {}
            try { Object.defineProperty(Object.prototype, 'then', { get() { return (ok) => ok(); } }); } catch (e) {}
            """)
    }

    @Test("replacing or shadowing the harness, or reaching the host realm through the global's constructor")
    func harnessAndHostRealm() async throws {
        try await Self.expectNoPass("""
            try { globalThis.__cascadeHarness = { run: () => 'pass', start: () => 1, status: () => 'pass', timers: () => '', fire() {}, reset() {} }; } catch (e) {}
            try { Object.defineProperty(globalThis, '__cascadeHarness', { value: {} }); } catch (e) {}
            try { const HostObject = globalThis.constructor; HostObject.is = () => true; HostObject.prototype.pass = true; } catch (e) {}
            """)
        try await Self.expectNoPass("let __cascadeHarness = { run: () => 'pass' };")
    }

    @Test("real candidates keep working: classes, Error subclasses that set this.name, prototype methods, module.exports")
    func correctCandidatesStillPass() async throws {
        let solution = """
            class ValidationError extends Error {
              constructor(message) { super(message); this.name = 'ValidationError'; }
            }
            function Point(x) { this.x = x; }
            Point.prototype.toString = function () { return 'P' + this.x; };
            function check(x) { if (x < 0) throw new ValidationError('negative'); return new Point(x); }
            module.exports = { check };
            """
        let tests = [
            "assert.throws(() => check(-1), ValidationError);",
            "assert.throws(() => check(-1), { name: 'ValidationError', message: 'negative' });",
            "assert.strictEqual(String(check(2)), 'P2');",
            "assert.deepStrictEqual(module.exports.check(1), new Point(1));",
            "assert.strictEqual(String(check(2)), 'P3');",
        ]
        let matrix = try await JavaScriptFixtures.run([solution], tests)
        #expect(matrix.outcomes == [[.pass, .pass, .pass, .pass, .fail]])
    }
}
