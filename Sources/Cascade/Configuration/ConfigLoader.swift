import Foundation

/// Where a configuration came from, in lookup order.
public enum ConfigSource: Sendable, Equatable, CustomStringConvertible {
    /// `--config FILE`.
    case commandLine(String)
    /// `$CASCADE_CONFIG`.
    case environment(String)
    /// `.cascade.json` in the workspace root.
    case workspace(String)
    /// `~/.config/cascade/config.json`.
    case user(String)
    /// `$CASCADE_HOME/config.json`, written by `cascade setup`.
    case localSetup(String)
    /// `initializationOptions` or another in-memory value.
    case inline(String)
    /// `LocalModelDefaults.config`: two local tiers.
    case builtIn

    public var path: String? {
        switch self {
        case .commandLine(let path), .environment(let path), .workspace(let path), .user(let path), .localSetup(let path): path
        case .inline, .builtIn: nil
        }
    }

    public var description: String {
        switch self {
        case .commandLine(let path): "\(path) (--config)"
        case .environment(let path): "\(path) ($CASCADE_CONFIG)"
        case .workspace(let path), .user(let path): path
        case .localSetup(let path): "\(path) (written by cascade setup)"
        case .inline(let name): name
        case .builtIn: "the built-in local default"
        }
    }
}

/// A configuration and where it was found.
public struct LoadedConfig: Sendable, Equatable {
    public var config: CascadeConfig
    public var source: ConfigSource

    public init(config: CascadeConfig, source: ConfigSource) {
        self.config = config
        self.source = source
    }
}

/// Finds, reads and validates the configuration.
///
/// Lookup order: `--config` → `$CASCADE_CONFIG` → `.cascade.json` in the workspace root →
/// `~/.config/cascade/config.json` → `$CASCADE_HOME/config.json` (from `cascade setup`) →
/// the built-in local default. A file named explicitly (the first two) must exist; the
/// others are skipped when absent. The first file found is the only one read.
public struct ConfigLoader: Sendable {
    public var explicitPath: String?
    public var workspaceRoot: String?
    public var environment: [String: String]
    public var homeDirectory: String

    public init(
        explicitPath: String? = nil,
        workspaceRoot: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String = NSHomeDirectory()
    ) {
        self.explicitPath = explicitPath
        self.workspaceRoot = workspaceRoot
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    /// `$CASCADE_HOME`, else `~/.cache/cascade`.
    public static func cascadeHome(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String = NSHomeDirectory()
    ) -> String {
        if let home = environment["CASCADE_HOME"], !home.isEmpty { return home }
        return (homeDirectory as NSString).appendingPathComponent(".cache/cascade")
    }

    public var cascadeHome: String { Self.cascadeHome(environment: environment, homeDirectory: homeDirectory) }

    /// Every place looked at, in order (files that may not exist included).
    public var candidates: [ConfigSource] {
        var list: [ConfigSource] = []
        if let explicitPath { list.append(.commandLine(explicitPath)) }
        if let path = environment["CASCADE_CONFIG"], !path.isEmpty { list.append(.environment(path)) }
        if let workspaceRoot { list.append(.workspace((workspaceRoot as NSString).appendingPathComponent(".cascade.json"))) }
        list.append(.user((homeDirectory as NSString).appendingPathComponent(".config/cascade/config.json")))
        list.append(.localSetup((cascadeHome as NSString).appendingPathComponent("config.json")))
        list.append(.builtIn)
        return list
    }

    /// The first configuration found, validated.
    public func load() throws(ConfigError) -> LoadedConfig {
        for source in candidates {
            guard let path = source.path else {
                return LoadedConfig(config: LocalModelDefaults.config, source: source)
            }
            let exists = FileManager.default.fileExists(atPath: path)
            switch source {
            case .commandLine where !exists:
                throw ConfigError(source: path, message: "no such file (given with --config)", fix: "check the path, or drop --config to use the default lookup")
            case .environment where !exists:
                throw ConfigError(source: path, message: "no such file (named by $CASCADE_CONFIG)", fix: "fix the path or unset CASCADE_CONFIG")
            default:
                guard exists else { continue }
            }
            return LoadedConfig(config: try Self.load(path: path), source: source)
        }
        return LoadedConfig(config: LocalModelDefaults.config, source: .builtIn)
    }

    /// Reads and validates one file.
    public static func load(path: String) throws(ConfigError) -> CascadeConfig {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ConfigError(source: path, message: "is a directory, not a configuration file",
                              fix: "give the path of a JSON file, e.g. \((path as NSString).appendingPathComponent(".cascade.json"))")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(source: path, message: "cannot be read (\(error.localizedDescription))", fix: "check that the file exists and is readable")
        }
        return try decode(data, source: path)
    }

    /// Validates a configuration given as JSON bytes.
    public static func decode(_ data: Data, source: String) throws(ConfigError) -> CascadeConfig {
        let root: ConfigJSON
        do {
            root = try ConfigJSONParser.parse(data)
        } catch {
            switch error.kind {
            case .syntax:
                throw ConfigError(source: source, message: "is not valid JSON (line \(error.line), column \(error.column): \(error.detail))",
                                  fix: "fix the syntax at that place")
            case .duplicateKey(let keyPath, let firstLine):
                throw ConfigError(source: source, keyPath: keyPath, message: "appears twice in the same object (lines \(firstLine) and \(error.line))",
                                  fix: "keep one of them: only one value can take effect")
            }
        }
        return try ConfigDecoding.config(from: root, source: source)
    }

    /// Validates a configuration given as any JSON-shaped value, e.g. LSP
    /// `initializationOptions` (encoded, then validated like a file).
    public static func decode<Value: Encodable>(value: Value, source: String = "initializationOptions") throws(ConfigError) -> CascadeConfig {
        let encoder = JSONEncoder()
        // A number too large for a Double (1e400) arrives as ±infinity, which JSON cannot
        // spell: it is written as a placeholder and put back as a number out of every range,
        // so the range check names the key instead of the encoder failing.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: Self.placeholder("+inf"), negativeInfinity: Self.placeholder("-inf"), nan: Self.placeholder("nan"))
        var data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw ConfigError(source: source, message: "cannot be encoded as JSON (\(error))", fix: "send the configuration as a JSON object")
        }
        for (placeholder, number) in [("+inf", "1e999"), ("-inf", "-1e999"), ("nan", "1e999")] {
            let quoted = Data("\"\(Self.placeholder(placeholder))\"".utf8)
            while let range = data.range(of: quoted) { data.replaceSubrange(range, with: Data(number.utf8)) }
        }
        return try decode(data, source: source)
    }

    private static func placeholder(_ name: String) -> String { "cascade-non-finite-number-\(name)" }

    /// Writes `config` as pretty JSON (used by `cascade setup`, `cascade tune` and recordings).
    public static func write(_ config: CascadeConfig, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(config)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try (data + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
