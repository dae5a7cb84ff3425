import Cascade
import Foundation
import Glibc
@testable import Sandbox
import Testing

extension SandboxSuite {
@Suite("Layer selection and the results channel")
struct LayerSelectionTests {
    static func layers(bwrap: Bool, namespaces: Bool = true, rlimits: Bool = true) -> SandboxLayers {
        SandboxLayers(
            bubblewrap: LayerStatus(isAvailable: bwrap, detail: bwrap ? "/usr/bin/bwrap" : "user namespaces are disabled"),
            namespaces: LayerStatus(isAvailable: namespaces, detail: namespaces ? "/usr/bin/unshare" : "unshare not found on PATH"),
            resourceLimits: LayerStatus(isAvailable: rlimits, detail: rlimits ? "/usr/bin/prlimit" : "prlimit not found"),
            processCap: LayerStatus(isAvailable: false, detail: "none"),
            interpreter: InterpreterInfo(language: "python", executable: "/usr/bin/python3", readOnlyPaths: []),
            interpreterProblem: nil, probeMs: 0)
    }

    @Test("auto picks bubblewrap when it works")
    func autoPrefersBubblewrap() throws {
        let active = try Self.layers(bwrap: true).layers(for: .auto)
        #expect(active.bubblewrap && !active.namespaces && active.resourceLimits)
        #expect(active.note == nil)
    }

    @Test("auto without bubblewrap isolates with namespaces and says why and what they leave open")
    func autoFallsBackToNamespaces() throws {
        let active = try Self.layers(bwrap: false).layers(for: .auto)
        #expect(!active.bubblewrap && active.namespaces && active.resourceLimits)
        #expect(active.note?.contains("user namespaces are disabled") == true)
        #expect(active.note?.contains("apt-get install -y bubblewrap") == true)
        #expect(active.notProtected.contains("file system"))
    }

    @Test("auto with neither bubblewrap nor namespaces refuses, says how to install bubblewrap, and never means rlimits")
    func autoRefusesWithoutIsolation() throws {
        let layers = Self.layers(bwrap: false, namespaces: false)
        #expect(throws: SandboxError.isolationUnavailable(bubblewrap: "user namespaces are disabled", namespaces: "unshare not found on PATH")) {
            try layers.layers(for: .auto)
        }
        let message = SandboxError.isolationUnavailable(bubblewrap: "a", namespaces: "b").description
        #expect(message.contains("apt-get install -y bubblewrap") && message.contains("refuses"))
        #expect(layers.summary.contains("sandbox \"auto\" refuses to run"))
        // rlimits stays available, but only by name, and it says what it leaves open.
        let rlimits = try layers.layers(for: .rlimits)
        #expect(!rlimits.bubblewrap && !rlimits.namespaces && rlimits.resourceLimits)
        #expect(rlimits.description.contains("not protected: the file system, the network"))
    }

    @Test("bwrap fails clearly when bubblewrap does not work")
    func bwrapRequired() {
        #expect(throws: SandboxError.bubblewrapUnavailable("user namespaces are disabled")) {
            try Self.layers(bwrap: false).layers(for: .bwrap)
        }
        #expect(SandboxError.bubblewrapUnavailable("x").description.contains("apt-get install -y bubblewrap"))
    }

    @Test("no silent fallback to no sandbox: without prlimit auto fails, none must be asked for")
    func noneOnlyWhenExplicit() throws {
        #expect(throws: SandboxError.self) { try Self.layers(bwrap: false, rlimits: false).layers(for: .auto) }
        let none = try Self.layers(bwrap: false, rlimits: false).layers(for: .none)
        #expect(!none.bubblewrap && !none.resourceLimits && none.note != nil)
    }

    @Test("the probe here reports every layer in its summary")
    func probeSummary() async {
        let layers = await SandboxExecutor.probe(language: "python")
        #expect(layers.interpreter != nil)
        for word in ["bubblewrap:", "namespaces (unshare):", "rlimits:", "process cap:", "always:", "python:", "sandbox \"auto\""] {
            #expect(layers.summary.contains(word))
        }
    }

    @Test("an unknown language is a clear error")
    func unknownLanguage() async {
        await #expect(throws: SandboxError.unsupportedLanguage("cobol")) {
            _ = try await SandboxExecutor().run(TestJob(language: "cobol", solutions: ["x"], tests: [], limits: ExecutionConfig()))
        }
    }

    @Test("sandbox none runs when asked for explicitly")
    func explicitNone() async throws {
        let matrix = try await SandboxFixtures.run(["def f():\n    return 2\n"], ["assert f() == 2", "assert f() == 3"], SandboxFixtures.limits(.none))
        #expect(matrix.outcomes == [[.pass, .fail]])
    }

    @Test("the run directory is removed afterwards", .enabled("SKIPPED: prlimit (util-linux) is missing") { await SandboxFixtures.resourceLimitsWork() })
    func runDirectoryRemoved() async throws {
        let report = NSTemporaryDirectory() + "cascade-cwd-\(UUID().uuidString)"
        defer { unlink(report) }
        // Under plain rlimits the candidate can write outside; it tells us where it ran.
        let solution = "import os\nopen('junk.bin', 'wb').write(b'x' * 1000)\nos.mkdir('sub')\nopen(\(String(reflecting: report)), 'w').write(os.getcwd())\n"
        let matrix = try await SandboxFixtures.run([solution], [], SandboxFixtures.limits(.rlimits))
        #expect(matrix.loadErrors == [nil])
        let directory = try String(contentsOfFile: report, encoding: .utf8)
        #expect(directory.contains("cascade-run-"))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test("results lines are read strictly: nonce, order, done")
    func strictResults() {
        let good = RunnerReport(parsing: Array("n L 1\nn T 0 pass 1 -\nn T 1 error 2 KeyError\nn D\n".utf8), nonce: "n", testCount: 2)
        #expect(good.tampered == nil && good.done && good.loaded)
        #expect(good.results.map(\.outcome) == [.pass, .error("KeyError")])
        for forged in ["m L 1\n", "n L 1\nn T 1 pass 1 -\n", "n L 1\nn T 0 pass 1 -\nn T 0 pass 1 -\n", "n L 1\nn D\nn T 0 pass 1 -\n", "n L 1\n{\"test\": 0}\n"] {
            #expect(RunnerReport(parsing: Array(forged.utf8), nonce: "n", testCount: 2).tampered != nil, "\(forged)")
        }
        let cut = RunnerReport(parsing: Array("n L 1\nn T 0 fail 1 -\n".utf8), nonce: "n", testCount: 3)
        #expect(!cut.done && cut.results.count == 1)
    }
}
}
