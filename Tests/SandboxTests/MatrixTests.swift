import Cascade
import Sandbox
import Glibc
import Testing

/// Every sandbox test runs one at a time: an attack (a fork bomb spinning at its cap, 200 MB
/// of output) would otherwise starve a neighbour's wall-clock timers and make it flaky.
@Suite("Sandbox", .serialized, .timeLimit(.minutes(1)))
enum SandboxSuite {}

extension SandboxSuite {
@Suite("Pass matrices")
struct MatrixTests {
    static let add = "def add(a, b):\n    return a + b\n"
    static let addTests = ["assert add(1, 2) == 3", "assert add(-1, 1) == 0", "assert add(2, 2) == 4"]

    @Test("correct solutions against correct tests give an all-pass matrix")
    func allPass() async throws {
        let matrix = try await SandboxFixtures.run([Self.add, "def add(a, b):\n    return sum([a, b])\n"], Self.addTests)
        #expect(matrix.outcomes == Array(repeating: Array(repeating: .pass, count: 3), count: 2))
        #expect(matrix.loadErrors == [nil, nil])
        #expect(matrix.durationsMs.allSatisfy { $0.count == 3 })
    }

    @Test("partial correctness gives the exact partial matrix")
    func exactPartialMatrix() async throws {
        let solutions = [
            Self.add,
            "def add(a, b):\n    return a * b\n",           // right only for 2 + 2
            "def add(a, b):\n    return a - b if a < 0 else a + b\n",  // wrong for -1 + 1
            "def add(a, b):\n    return int(str(a) + str(b))\n",        // wrong everywhere; 12, -11, 22
        ]
        let matrix = try await SandboxFixtures.run(solutions, Self.addTests)
        #expect(matrix.outcomes == [
            [.pass, .pass, .pass],
            [.fail, .fail, .pass],
            [.pass, .fail, .pass],
            [.fail, .fail, .fail],
        ])
    }

    @Test("errors carry their type; one test's error does not stop the next")
    func errorsAreTyped() async throws {
        let matrix = try await SandboxFixtures.run(
            [Self.add], ["assert add(1) == 1", "assert undefined_name", "assert add('a', 'b') == 'ab'", "raise ValueError('x')"])
        #expect(matrix.outcomes == [[.error("TypeError"), .error("NameError"), .pass, .error("ValueError")]])
    }

    @Test("a syntax error in the solution is a load error for every test, not a crash")
    func solutionSyntaxError() async throws {
        let matrix = try await SandboxFixtures.run(["def add(a, b)\n    return a + b\n", Self.add], Self.addTests)
        #expect(matrix.outcomes[0] == Array(repeating: .error("SyntaxError"), count: 3))
        #expect(matrix.loadErrors[0]?.hasPrefix("SyntaxError") == true)
        #expect(matrix.outcomes[1] == [.pass, .pass, .pass])
        #expect(matrix.loadErrors[1] == nil)
    }

    @Test("a syntax error in one test is that test's error only")
    func testSyntaxError() async throws {
        let matrix = try await SandboxFixtures.run([Self.add], ["assert add(1, 2) == 3", "assert add(1,", "assert add(2, 2) == 4"])
        #expect(matrix.outcomes == [[.pass, .error("SyntaxError"), .pass]])
    }

    @Test("zero tests syntax-checks the solutions")
    func zeroTests() async throws {
        let matrix = try await SandboxFixtures.run([Self.add, "def f(:\n"], [])
        #expect(matrix.outcomes == [[], []])
        #expect(matrix.loadErrors[0] == nil)
        #expect(matrix.loadErrors[1]?.hasPrefix("SyntaxError") == true)
    }

    @Test("sys.exit in a test is an error of that test; the suite goes on")
    func sysExitInTest() async throws {
        let matrix = try await SandboxFixtures.run([Self.add], ["import sys; sys.exit(0)", "assert add(1, 2) == 3"])
        #expect(matrix.outcomes == [[.error("SystemExit"), .pass]])
    }

    @Test("deep recursion is a RecursionError, and a C-stack overflow is a crash of that test only")
    func deepRecursion() async throws {
        let recursive = "def add(a, b):\n    return add(a, b)\n"
        // Recursion through a C function (sorted) with the limit lifted overflows the C stack.
        let crashing = "import sys\nsys.setrecursionlimit(10**8)\ndef add(a, b):\n    return sorted([1], key=lambda x: add(a, b))[0]\n"
        let matrix = try await SandboxFixtures.run([recursive, crashing], ["assert add(1, 2) == 3", "assert 1 == 1"])
        #expect(matrix.outcomes[0] == [.error("RecursionError"), .pass])
        #expect(matrix.outcomes[1] == [.error("Signal\(SIGSEGV)"), .error("NotRun")])
    }

    @Test("the runner as prepared bytecode and as source give the same matrix")
    func preparedBytecode() async throws {
        let layers = await SandboxFixtures.layers()
        let interpreter = try #require(layers.interpreter)
        let prepared = try #require(await PythonRunner().preparedArguments(interpreter: interpreter.executable))
        #expect(prepared.joined(separator: " ").contains("marshal"))
        let solutions = [Self.add, "def add(a, b):\n    return a * b\n", "def add(a, b)\n"]
        let tests = Self.addTests + ["assert add('a', 'b') == 'ab'"]
        let fromBytecode = try await SandboxFixtures.run(solutions, tests)
        let fromSource = try await SandboxExecutor(runners: [SourceOnlyPythonRunner()]).run(
            TestJob(language: "python-source", solutions: solutions, tests: tests, limits: SandboxFixtures.limits()))
        #expect(fromBytecode.outcomes == fromSource.outcomes)
        #expect(fromBytecode.outcomes[0] == [.pass, .pass, .pass, .pass])
    }

    @Test("parallelism 1 and many solutions give the same exact matrix")
    func boundedParallelism() async throws {
        var limits = SandboxFixtures.limits()
        limits.parallelism = 1
        let solutions = (0..<5).map { "def add(a, b):\n    return a + b + \($0)\n" }
        let matrix = try await SandboxFixtures.run(solutions, ["assert add(0, 0) == 0", "assert add(0, 0) == 2"], limits)
        #expect(matrix.outcomes == [[.pass, .fail], [.fail, .fail], [.fail, .pass], [.fail, .fail], [.fail, .fail]])
    }
}
}

/// The Python runner without its prepared bytecode: the source, compiled at every start.
struct SourceOnlyPythonRunner: LanguageRunner {
    var language: String { "python-source" }
    var interpreterNames: [String] { PythonRunner().interpreterNames }
    var introspectionArguments: [String] { PythonRunner().introspectionArguments }
    var runnerArguments: [String] { PythonRunner().runnerArguments }
}
