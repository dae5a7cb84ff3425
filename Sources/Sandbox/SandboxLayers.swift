import Cascade

/// Whether one isolation layer works on this machine, and what it is or why not.
public struct LayerStatus: Sendable, Equatable {
    public var isAvailable: Bool
    /// The tool's path when available, else what went wrong.
    public var detail: String

    public init(isAvailable: Bool, detail: String) {
        self.isAvailable = isAvailable
        self.detail = detail
    }
}

/// The interpreter a runner really executes (shims such as pyenv's resolved).
public struct InterpreterInfo: Sendable, Equatable {
    public var language: String
    public var executable: String
    /// Directories it needs read-only inside bubblewrap besides /usr (its prefix, for example).
    public var readOnlyPaths: [String]
}

/// What the probe found, once per language and process. `cascade doctor` prints `summary`.
public struct SandboxLayers: Sendable, Equatable {
    public var bubblewrap: LayerStatus
    /// rlimits, applied through util-linux `prlimit`.
    public var resourceLimits: LayerStatus
    /// A pids cgroup per run (fork bombs stop at a fixed count; stray processes are found afterwards).
    public var processCap: LayerStatus
    public var interpreter: InterpreterInfo?
    /// Why no interpreter is usable, when `interpreter` is nil.
    public var interpreterProblem: String?
    /// How long probing took.
    public var probeMs: Double

    /// The layers a run with `mode` uses, or why it cannot run.
    public func layers(for mode: SandboxMode) throws(SandboxError) -> ActiveLayers {
        switch mode {
        case .auto:
            guard resourceLimits.isAvailable else { throw .resourceLimitsUnavailable(resourceLimits.detail) }
            if bubblewrap.isAvailable {
                return ActiveLayers(mode: mode, bubblewrap: true, resourceLimits: true, processCap: processCap.isAvailable, note: nil)
            }
            return ActiveLayers(mode: mode, bubblewrap: false, resourceLimits: true, processCap: processCap.isAvailable,
                                note: "bubblewrap unavailable (\(bubblewrap.detail)); running with rlimits, a clean environment and session kill only")
        case .bwrap:
            guard bubblewrap.isAvailable else { throw .bubblewrapUnavailable(bubblewrap.detail) }
            return ActiveLayers(mode: mode, bubblewrap: true, resourceLimits: resourceLimits.isAvailable, processCap: processCap.isAvailable, note: nil)
        case .rlimits:
            guard resourceLimits.isAvailable else { throw .resourceLimitsUnavailable(resourceLimits.detail) }
            return ActiveLayers(mode: mode, bubblewrap: false, resourceLimits: true, processCap: processCap.isAvailable, note: nil)
        case .none:
            return ActiveLayers(mode: mode, bubblewrap: false, resourceLimits: false, processCap: false,
                                note: "sandbox \"none\": generated code runs with your user's full rights (asked for explicitly)")
        }
    }

    /// Human-readable, one layer per line.
    public var summary: String {
        var lines: [String] = []
        lines.append("bubblewrap: " + (bubblewrap.isAvailable ? "works (\(bubblewrap.detail))" : "unavailable: \(bubblewrap.detail)"))
        lines.append("rlimits: " + (resourceLimits.isAvailable ? "works (\(resourceLimits.detail))" : "unavailable: \(resourceLimits.detail)"))
        lines.append("process cap: " + (processCap.isAvailable ? "works (\(processCap.detail))" : "unavailable: \(processCap.detail)"))
        lines.append("always: clean environment, new session killed at the deadline, capped output, fresh 0700 run directory")
        if let interpreter {
            lines.append("\(interpreter.language): \(interpreter.executable)")
        } else {
            lines.append("interpreter: \(interpreterProblem ?? "not found")")
        }
        if let auto = try? layers(for: .auto) {
            lines.append("sandbox \"auto\" uses: \(auto)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The layers one run uses.
public struct ActiveLayers: Sendable, Equatable, CustomStringConvertible {
    public var mode: SandboxMode
    public var bubblewrap: Bool
    public var resourceLimits: Bool
    /// A pids cgroup per run.
    public var processCap: Bool
    /// Set when the layers are weaker than the best: why.
    public var note: String?

    public var description: String {
        var parts: [String] = []
        if bubblewrap { parts.append("bubblewrap") }
        if resourceLimits { parts.append("rlimits") }
        if processCap { parts.append("pids cgroup") }
        parts.append("clean environment")
        parts.append("session kill")
        return parts.joined(separator: " + ")
    }
}
