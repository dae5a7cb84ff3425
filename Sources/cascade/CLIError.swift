/// An error that ends a command: a one- or two-line message and an exit code.
enum CLIError: Error, CustomStringConvertible {
    /// Bad arguments or bad configuration: exit 2.
    case usage(String)
    /// Something failed while running: exit 1.
    case runtime(String)

    var description: String {
        switch self {
        case .usage(let message), .runtime(let message): message
        }
    }

    var exitCode: Int32 {
        switch self {
        case .usage: 2
        case .runtime: 1
        }
    }
}
