import Foundation

/// The full command line of one sandboxed run: `prlimit … -- bwrap … -- interpreter runner`
/// (or `prlimit … -- unshare … -- interpreter runner`), each layer present only when active,
/// and the minimal environment.
struct SandboxCommand: Equatable {
    var executable: String
    var arguments: [String]
    var environment: [String: String]

    /// Where the run directory appears inside bubblewrap.
    static let sandboxDirectory = "/sandbox"

    /// The most a run may write: its directory is a tmpfs of this size under bubblewrap and
    /// under namespaces (RLIMIT_FSIZE bounds each file at 16 MB besides).
    static let scratchBytes = 64 << 20

    /// Host top-level directories that may be symlinks into /usr (merged-/usr systems) or real directories.
    private static let systemRoots = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]

    struct Tools: Sendable, Equatable {
        var bwrap: String?
        var prlimit: String?
        /// util-linux `unshare`, `setpriv` and `mount`, for namespaces without bubblewrap.
        var unshare: String?
        var setpriv: String?
        var mount: String?
    }

    init(
        layers: ActiveLayers, tools: Tools, interpreter: InterpreterInfo, interpreterArguments: [String],
        runDirectory: String, limits: ResourceLimits, marker: String, prefix: [String] = []
    ) {
        let visibleDirectory = layers.bubblewrap ? Self.sandboxDirectory : runDirectory
        let environment = Self.minimalEnvironment(directory: visibleDirectory, marker: marker)
        var command = [interpreter.executable] + interpreterArguments
        if layers.bubblewrap, let bwrap = tools.bwrap {
            command = [bwrap] + Self.bubblewrapArguments(
                interpreter: interpreter, runDirectory: runDirectory, environment: environment) + ["--"] + command
        } else if layers.namespaces, let unshare = tools.unshare, let setpriv = tools.setpriv, let mount = tools.mount {
            command = Self.namespaceCommand(unshare: unshare, setpriv: setpriv, mount: mount, runDirectory: runDirectory) + command
        }
        if layers.resourceLimits, let prlimit = tools.prlimit {
            command = [prlimit] + limits.prlimitArguments + ["--"] + command
        }
        command = prefix + command
        executable = command[0]
        arguments = Array(command.dropFirst())
        // The launcher processes (prlimit, bwrap) see the host directory; the candidate the one above.
        self.environment = Self.minimalEnvironment(directory: runDirectory, marker: marker)
    }

    /// No API keys, no real HOME: only what an interpreter needs, plus the sweep marker.
    static func minimalEnvironment(directory: String, marker: String) -> [String: String] {
        [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": directory,
            "TMPDIR": directory,
            "LANG": "C.UTF-8",
            ProcessSweeper.markerVariable: marker,
        ]
    }

    /// The runner is PID 1 of its namespace (`--as-pid-1`): nothing inside can kill it, and
    /// everything inside dies with it. The run directory is a size-capped tmpfs, never the host's disk.
    static func bubblewrapArguments(interpreter: InterpreterInfo, runDirectory: String, environment: [String: String]) -> [String] {
        var arguments = [
            "--unshare-all", "--as-pid-1", "--die-with-parent", "--new-session", "--clearenv", "--cap-drop", "ALL",
            "--ro-bind", "/usr", "/usr",
        ]
        let manager = FileManager.default
        for root in systemRoots {
            if let target = try? manager.destinationOfSymbolicLink(atPath: root) {
                arguments += ["--symlink", target, root]
            } else {
                var isDirectory: ObjCBool = false
                if manager.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue {
                    arguments += ["--ro-bind", root, root]
                }
            }
        }
        var bound = ["/usr"]
        for path in interpreter.readOnlyPaths.sorted() where !bound.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) {
            arguments += ["--ro-bind", path, path]
            bound.append(path)
        }
        arguments += ["--dev", "/dev", "--size", "\(scratchBytes)", "--perms", "0700", "--tmpfs", sandboxDirectory,
                      "--chdir", sandboxDirectory]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
            arguments += ["--setenv", key, value]
        }
        return arguments
    }

    /// Without bubblewrap: util-linux `unshare` gives new user, PID, network, mount and IPC
    /// namespaces and a /proc showing only the run's own processes; inside, a size-capped tmpfs
    /// is mounted over the run directory, then `setpriv` drops every capability (so nothing can
    /// trace the runner) before the interpreter starts as PID 1. The rest of the file system
    /// is the host's, unchanged.
    static func namespaceCommand(unshare: String, setpriv: String, mount: String, runDirectory: String) -> [String] {
        [
            unshare, "--user", "--map-root-user", "--pid", "--fork", "--kill-child", "--net", "--mount", "--ipc",
            "--mount-proc", "--", "/bin/sh", "-c",
            "\"$0\" -t tmpfs -o size=\(scratchBytes),mode=0700 cascade \"$1\" && cd \"$1\" && shift && exec \"$@\"",
            mount, runDirectory,
            setpriv, "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all", "--",
        ]
    }
}
