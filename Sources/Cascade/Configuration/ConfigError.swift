/// A configuration that cannot be used: where, what, and how to fix it.
///
/// `description` is one line such as
/// `/repo/.cascade.json: tiers[0].sampels: unknown key (did you mean "samples"?) — remove or rename it`.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file path, `initializationOptions`, or `$CASCADE_CONFIG`.
    public var source: String
    /// The offending key path, e.g. `tiers[0].sampels`; nil for whole-file problems.
    public var keyPath: String?
    public var message: String
    public var fix: String

    public init(source: String, keyPath: String? = nil, message: String, fix: String) {
        self.source = source
        self.keyPath = keyPath
        self.message = message
        self.fix = fix
    }

    public var description: String {
        "\(source): " + (keyPath.map { "\($0): " } ?? "") + message + " — " + fix
    }
}
