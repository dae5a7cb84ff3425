/// How a child ended.
public enum Termination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var isSuccess: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }

    /// Decodes a `waitpid` status word.
    init(waitStatus status: Int32) {
        if status & 0x7f == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(status & 0x7f)
        }
    }
}

/// Everything about one finished run. A non-zero exit, a signal, a timeout and truncated
/// output are all data here, never thrown errors.
public struct ProcessResult: Sendable, Equatable {
    public var pid: Int32
    public var termination: Termination
    /// The deadline passed and the group was signalled.
    public var timedOut: Bool
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]
    /// What the child wrote on fd 3 (empty unless `resultsLimit` was set).
    public var results: [UInt8]
    public var standardOutputTruncated: Bool
    public var standardErrorTruncated: Bool
    public var resultsTruncated: Bool
    /// Total bytes the child wrote to stdout, including the dropped ones.
    public var standardOutputBytesSeen: Int
    /// From spawn to reaping.
    public var wallTime: Duration

    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
}
