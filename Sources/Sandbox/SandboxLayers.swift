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
    /// util-linux `unshare` + `setpriv`: namespaces without bubblewrap, what `auto` falls back to.
    public var namespaces: LayerStatus = LayerStatus(isAvailable: false, detail: "not probed")
    /// rlimits, applied through util-linux `prlimit`.
    public var resourceLimits: LayerStatus
    /// A pids cgroup per run (fork bombs stop at a fixed count; stray processes are found afterwards).
    public var processCap: LayerStatus
    public var interpreter: InterpreterInfo?
    /// Why no interpreter is usable, when `interpreter` is nil.
    public var interpreterProblem: String?
    /// How long probing took.
    public var probeMs: Double

    /// The layers a run with `mode` uses, or why it cannot run. `auto` isolates or refuses:
    /// bubblewrap, else namespaces; plain rlimits only when asked for by name.
    public func layers(for mode: SandboxMode) throws(SandboxError) -> ActiveLayers {
        switch mode {
        case .auto:
            guard resourceLimits.isAvailable else { throw .resourceLimitsUnavailable(resourceLimits.detail) }
            if bubblewrap.isAvailable {
                return ActiveLayers(mode: mode, bubblewrap: true, namespaces: false, resourceLimits: true, processCap: processCap.isAvailable, note: nil)
            }
            guard namespaces.isAvailable else {
                throw .isolationUnavailable(bubblewrap: bubblewrap.detail, namespaces: namespaces.detail)
            }
            return ActiveLayers(mode: mode, bubblewrap: false, namespaces: true, resourceLimits: true, processCap: processCap.isAvailable,
                                note: "bubblewrap unavailable (\(bubblewrap.detail)); isolating with unshare namespaces instead, "
                                    + "which do not hide the file system: \(SandboxError.bubblewrapInstall)")
        case .bwrap:
            guard bubblewrap.isAvailable else { throw .bubblewrapUnavailable(bubblewrap.detail) }
            return ActiveLayers(mode: mode, bubblewrap: true, namespaces: false, resourceLimits: resourceLimits.isAvailable, processCap: processCap.isAvailable, note: nil)
        case .rlimits:
            guard resourceLimits.isAvailable else { throw .resourceLimitsUnavailable(resourceLimits.detail) }
            return ActiveLayers(mode: mode, bubblewrap: false, namespaces: false, resourceLimits: true, processCap: processCap.isAvailable,
                                note: "sandbox \"rlimits\" (asked for explicitly): no isolation; not protected: \(ActiveLayers.rlimitsGaps)")
        case .none:
            return ActiveLayers(mode: mode, bubblewrap: false, namespaces: false, resourceLimits: false, processCap: false,
                                note: "sandbox \"none\": generated code runs with your user's full rights (asked for explicitly)")
        }
    }

    /// Human-readable, one layer per line, then what each mode leaves unprotected.
    public var summary: String {
        var lines: [String] = []
        lines.append("bubblewrap: " + (bubblewrap.isAvailable ? "works (\(bubblewrap.detail))" : "unavailable: \(bubblewrap.detail)"))
        lines.append("namespaces (unshare): " + (namespaces.isAvailable ? "works (\(namespaces.detail))" : "unavailable: \(namespaces.detail)"))
        lines.append("rlimits: " + (resourceLimits.isAvailable ? "works (\(resourceLimits.detail))" : "unavailable: \(resourceLimits.detail)"))
        lines.append("process cap: " + (processCap.isAvailable ? "works (\(processCap.detail))" : "unavailable: \(processCap.detail)"))
        lines.append("always: clean environment, new session killed at the deadline, capped output, fresh 0700 run directory, "
                     + "verdicts decided outside the candidate's reach")
        if let interpreter {
            lines.append("\(interpreter.language): \(interpreter.executable)")
        } else {
            lines.append("interpreter: \(interpreterProblem ?? "not found")")
        }
        do {
            lines.append("sandbox \"auto\" uses: \(try layers(for: .auto))")
        } catch {
            lines.append("sandbox \"auto\" refuses to run: \(error)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The layers one run uses.
public struct ActiveLayers: Sendable, Equatable, CustomStringConvertible {
    public var mode: SandboxMode
    public var bubblewrap: Bool
    /// util-linux `unshare` namespaces (the fallback of `auto` without bubblewrap).
    public var namespaces: Bool
    public var resourceLimits: Bool
    /// A pids cgroup per run.
    public var processCap: Bool
    /// Set when the layers are weaker than the best: why.
    public var note: String?

    static let rlimitsGaps = "the file system, the network, your other processes (it can signal them, and read their "
        + "memory and the server's through /proc, so it can also forge its verdict) — only CPU, memory, file size and "
        + "open files are bounded"

    /// What these layers do not protect, in the words `cascade doctor` prints.
    public var notProtected: String {
        if bubblewrap {
            return "kernel exploits; reads of /usr and the interpreter's directories (bound read-only)"
                + (processCap ? "" : "; the machine's pids (a fork bomb runs until the deadline)")
        }
        if namespaces {
            return "the file system: it reads and writes whatever your user can (home directory, keys, unix sockets "
                + "such as an ssh-agent's or docker.sock), outside its capped run directory; kernel exploits"
                + (processCap ? "" : "; the machine's pids (a fork bomb runs until the deadline)")
        }
        if resourceLimits { return Self.rlimitsGaps }
        return "nothing is protected: generated code runs with your user's full rights"
    }

    public var description: String {
        var parts: [String] = []
        if bubblewrap { parts.append("bubblewrap") }
        if namespaces { parts.append("namespaces (unshare: user, pid, net, mount, ipc)") }
        if resourceLimits { parts.append("rlimits") }
        if processCap { parts.append("pids cgroup") }
        parts.append("clean environment")
        parts.append("session kill")
        return parts.joined(separator: " + ") + "; not protected: " + notProtected
    }
}
