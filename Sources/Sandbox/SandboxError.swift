import Cascade

/// Why the sandbox could not run anything at all. Outcomes of candidates are never errors.
public enum SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedLanguage(String)
    case interpreterNotFound(language: String, tried: [String])
    case interpreterBroken(path: String, detail: String)
    case bubblewrapUnavailable(String)
    /// `auto` found neither bubblewrap nor working namespaces, and never runs unisolated.
    case isolationUnavailable(bubblewrap: String, namespaces: String)
    case resourceLimitsUnavailable(String)
    case runDirectoryFailed(String)

    static let bubblewrapInstall = "install bubblewrap (`apt-get install -y bubblewrap`, `dnf install bubblewrap`) and allow unprivileged user namespaces (Ubuntu 24.04: `sysctl kernel.apparmor_restrict_unprivileged_userns=0`)"

    public var description: String {
        switch self {
        case .unsupportedLanguage(let language):
            return "no test runner for language '\(language)'; Cascade can test python only"
        case .interpreterNotFound(let language, let tried):
            return "no \(language) interpreter found (tried \(tried.joined(separator: ", ")) on PATH); install one, e.g. `apt-get install -y python3`"
        case .interpreterBroken(let path, let detail):
            return "the interpreter \(path) does not start: \(detail); reinstall it or put a working one first on PATH"
        case .bubblewrapUnavailable(let why):
            return "sandbox \"bwrap\" was requested but bubblewrap does not work here: \(why); install it (`apt-get install -y bubblewrap`), allow user namespaces, or set execution.sandbox to \"auto\""
        case .isolationUnavailable(let bubblewrap, let namespaces):
            return "sandbox \"auto\" cannot isolate generated code here: bubblewrap \(bubblewrap); unshare namespaces \(namespaces). "
                + "It refuses rather than run it unisolated: \(Self.bubblewrapInstall); "
                + "or set execution.sandbox to \"rlimits\" to accept no isolation (see `cascade doctor` for what that leaves open)"
        case .resourceLimitsUnavailable(let why):
            return "resource limits cannot be applied: \(why); install util-linux (prlimit) or set execution.sandbox to \"none\" explicitly"
        case .runDirectoryFailed(let why):
            return "cannot create a run directory: \(why); check that $TMPDIR exists and is writable"
        }
    }
}
