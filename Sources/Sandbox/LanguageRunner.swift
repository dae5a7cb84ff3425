import Processes

/// What the executor needs to run one language's tests; adding a language means adding one
/// of these, not touching the executor.
///
/// Every runner speaks the same protocol: its job arrives on stdin (`RunnerInput.encoded`),
/// its results leave as nonce-prefixed lines on fd 3 (`RunnerReport`).
public protocol LanguageRunner: Sendable {
    /// The LSP language id it serves (`"python"`).
    var language: String { get }
    /// Interpreter names tried on `PATH`, in order.
    var interpreterNames: [String] { get }
    /// Arguments that make the interpreter print, one per line, its real executable path and
    /// then every directory it needs read-only (used to resolve shims and to build the bwrap binds).
    var introspectionArguments: [String] { get }
    /// Arguments that start the runner program, which is embedded in the binary.
    var runnerArguments: [String] { get }
    /// The runner arguments for a memory budget (V8 takes its heap limit on the command line).
    func runnerArguments(memoryMB: Int) -> [String]
    /// The address-space rlimit for a memory budget: V8 reserves about 700 MB of address space
    /// before running anything, so a runtime may need more than the budget itself.
    func addressSpaceBytes(memoryMB: Int) -> Int
    /// Arguments that make the interpreter print exactly `ok` (the bubblewrap probe).
    var probeArguments: [String] { get }
    /// Runner arguments prepared once per process with the interpreter found (Python: the
    /// runner compiled to bytecode, which saves compiling it at every start), or nil. They
    /// replace `runnerArguments(memoryMB:)`, so only runners whose arguments do not depend on
    /// the budget prepare any.
    func preparedArguments(interpreter: String) async -> [String]?
}

extension LanguageRunner {
    public func runnerArguments(memoryMB: Int) -> [String] { runnerArguments }
    public func addressSpaceBytes(memoryMB: Int) -> Int { max(memoryMB, 64) << 20 }
    /// Python's form; other runners override it.
    public var probeArguments: [String] { ["-I", "-S", "-c", "print('ok')"] }
    public func preparedArguments(interpreter: String) async -> [String]? { nil }
}

/// The runner's job, sent on its stdin in a format any language parses without a library:
/// `nonce\n timeout\n` then the solution and the test count and tests, each text as
/// `<UTF-8 byte count>\n<bytes>`.
struct RunnerInput {
    var solution: String
    var tests: [String]
    var testTimeout: Double
    /// Prefix of every genuine results line; never shown to the candidate.
    var nonce: String

    var encoded: [UInt8] {
        var bytes = Array("\(nonce)\n\(testTimeout)\n".utf8)
        func append(_ text: String) {
            let utf8 = Array(text.utf8)
            bytes += Array("\(utf8.count)\n".utf8)
            bytes += utf8
        }
        append(solution)
        bytes += Array("\(tests.count)\n".utf8)
        tests.forEach(append)
        return bytes
    }
}

/// Python 3: `python3 -I -S -B`, one judge and one worker process per solution (see
/// `pythonRunnerSource`), all its tests in them.
///
/// `-I` keeps the run directory and `PYTHON*` variables off the import path (a `json.py`
/// planted there is never imported); `-S` skips site-packages, which saves 3–30 ms a
/// spawn but means generated code can use the standard library only.
public struct PythonRunner: LanguageRunner {
    public init() {}

    public var language: String { "python" }
    public var interpreterNames: [String] { ["python3", "python"] }
    public var introspectionArguments: [String] {
        ["-I", "-S", "-c", "import sys; print(sys.executable); print(sys.base_prefix); print(sys.prefix)"]
    }
    public var runnerArguments: [String] { ["-I", "-S", "-B", "-c", pythonRunnerSource] }

    /// The runner as marshalled bytecode of this very interpreter: loading it takes about
    /// 0.4 ms where compiling the source takes about 4 ms, at every solution.
    public func preparedArguments(interpreter: String) async -> [String]? {
        let compile = "import sys, marshal, binascii; sys.stdout.write(binascii.b2a_base64(marshal.dumps(compile(sys.stdin.read(), '<cascade-runner>', 'exec')), newline=False).decode())"
        guard let result = try? await ChildProcess.run(ProcessConfiguration(
            executable: .path(interpreter), arguments: ["-I", "-S", "-B", "-c", compile],
            input: .bytes(Array(pythonRunnerSource.utf8)), outputLimit: 1 << 20, timeout: .seconds(20))),
            result.termination == .exited(0), !result.standardOutputTruncated else { return nil }
        let encoded = result.standardOutputText
        // Base64 only, and within what one argument may hold (MAX_ARG_STRLEN, 128 KiB).
        guard !encoded.isEmpty, encoded.utf8.count < 120 << 10,
              encoded.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }) else { return nil }
        return ["-I", "-S", "-B", "-c", "import marshal, binascii; exec(marshal.loads(binascii.a2b_base64('\(encoded)')))"]
    }
}
