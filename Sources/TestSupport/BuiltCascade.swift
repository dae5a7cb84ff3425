import Foundation

/// The built `cascade` executable that tests start as a real child process:
/// `CASCADE_LSP_BINARY` when set, else the one next to the running test bundle
/// (`.build/<triple>/debug/`: `swift test` builds every product first), else the package's
/// `.build/debug/cascade`.
public enum BuiltCascade {
    public static func path(packageRoot: URL) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CASCADE_LSP_BINARY"], !path.isEmpty { return path }
        let directories = [
            URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            packageRoot.appendingPathComponent(".build/debug"),
        ]
        for directory in directories {
            let candidate = directory.appendingPathComponent("cascade").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Missing(searched: directories.map(\.path))
    }

    public struct Missing: Error, CustomStringConvertible {
        public var searched: [String]
        public var description: String {
            "no built `cascade` executable in \(searched.joined(separator: ", ")); run `swift build` first (or set CASCADE_LSP_BINARY)"
        }
    }
}
