import Foundation

/// What to start: an absolute path, or a name looked up on this process's `PATH`.
public enum Executable: Sendable, Equatable, CustomStringConvertible {
    case path(String)
    case name(String)

    public var description: String {
        switch self {
        case .path(let path): return path
        case .name(let name): return name
        }
    }

    /// The absolute path that will be spawned.
    ///
    /// - Throws: `ProcessError.executableNotFound` when a name is not on `PATH` or a path is not executable.
    public func resolvedPath() throws(ProcessError) -> String {
        switch self {
        case .path(let path):
            guard access(path, X_OK) == 0 else { throw .executableNotFound(path) }
            return path
        case .name(let name):
            if name.contains("/") { return try Executable.path(name).resolvedPath() }
            let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for directory in searchPath.split(separator: ":") where !directory.isEmpty {
                let candidate = "\(directory)/\(name)"
                if access(candidate, X_OK) == 0 { return candidate }
            }
            throw .executableNotFound(name)
        }
    }
}

/// The child's environment: always explicit, never implicitly inherited.
public struct Environment: Sendable, Equatable {
    public var values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    /// Exactly these variables and nothing else.
    public static func custom(_ values: [String: String]) -> Environment { Environment(values) }

    /// This process's environment with some variables replaced or added.
    public static func inherit(updating overrides: [String: String] = [:]) -> Environment {
        Environment(ProcessInfo.processInfo.environment.merging(overrides) { _, new in new })
    }
}

/// What the child reads on fd 0.
public enum ProcessInput: Sendable, Equatable {
    /// `/dev/null`.
    case none
    /// These bytes, then end of file.
    case bytes([UInt8])
}

/// How the child is separated from us so that its whole tree can be signalled at once.
public enum ProcessIsolation: Sendable, Equatable {
    /// `setsid()`: a new session and process group (the default; also detaches from our terminal).
    case newSession
    /// `setpgid(0, 0)`: a new process group in our session.
    case newProcessGroup
}

/// One run of a child process to completion (see `ChildProcess.run`).
public struct ProcessConfiguration: Sendable {
    public var executable: Executable
    /// Arguments after argv[0] (argv[0] is the executable as given).
    public var arguments: [String]
    public var environment: Environment
    /// nil: ours.
    public var workingDirectory: String?
    public var input: ProcessInput
    /// Bytes kept from stdout; the rest is read and dropped, and the result says so.
    public var outputLimit: Int
    /// Bytes kept from stderr.
    public var errorLimit: Int
    /// When set, fd 3 in the child is a pipe whose bytes (up to this many) come back as `ProcessResult.results`.
    public var resultsLimit: Int?
    /// Wall-clock limit; at the deadline the group gets SIGTERM, then SIGKILL after `terminationGrace`.
    public var timeout: Duration?
    public var terminationGrace: Duration
    public var isolation: ProcessIsolation
    /// SIGKILL whatever is left in the child's process group once the child itself exits.
    public var killsGroupOnExit: Bool

    public init(
        executable: Executable,
        arguments: [String] = [],
        environment: Environment = .custom([:]),
        workingDirectory: String? = nil,
        input: ProcessInput = .none,
        outputLimit: Int = 1 << 20,
        errorLimit: Int = 1 << 20,
        resultsLimit: Int? = nil,
        timeout: Duration? = nil,
        terminationGrace: Duration = .milliseconds(200),
        isolation: ProcessIsolation = .newSession,
        killsGroupOnExit: Bool = true
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
        self.outputLimit = outputLimit
        self.errorLimit = errorLimit
        self.resultsLimit = resultsLimit
        self.timeout = timeout
        self.terminationGrace = terminationGrace
        self.isolation = isolation
        self.killsGroupOnExit = killsGroupOnExit
    }
}
