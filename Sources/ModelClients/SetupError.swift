/// A setup step that failed: which one, why, and how to retry.
public struct SetupError: Error, CustomStringConvertible, Sendable, Equatable {
    public var step: String
    public var message: String
    public var retry: String

    public init(step: String, message: String, retry: String) {
        self.step = step
        self.message = message
        self.retry = retry
    }

    public var description: String { "setup step \"\(step)\" failed: \(message) — \(retry)" }
}
