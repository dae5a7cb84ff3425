import Glibc

/// Why a child could not be started. Failures of the child itself are in `ProcessResult`.
public enum ProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    case executableNotFound(String)
    case spawnFailed(executable: String, errno: Int32)
    case pipeFailed(errno: Int32)
    case workingDirectoryUnsupported
    case logFileUnopenable(path: String, errno: Int32)
    case standardInputClosed

    public var description: String {
        switch self {
        case .executableNotFound(let name):
            return "cannot find executable '\(name)'; install it or give its absolute path"
        case .spawnFailed(let executable, let code):
            return "cannot start '\(executable)': \(String(cString: strerror(code))); check that it exists and is executable"
        case .pipeFailed(let code):
            return "cannot create a pipe: \(String(cString: strerror(code))); too many open files? raise `ulimit -n`"
        case .workingDirectoryUnsupported:
            return "this C library lacks posix_spawn_file_actions_addchdir_np (glibc 2.29+); run without a working directory or upgrade glibc"
        case .logFileUnopenable(let path, let code):
            return "cannot open log file \(path): \(String(cString: strerror(code))); check the directory exists and is writable"
        case .standardInputClosed:
            return "the child's standard input is closed or was not requested; launch with `standardInput: .pipe`"
        }
    }
}
