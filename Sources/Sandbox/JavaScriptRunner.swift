/// Node.js: one `node` process per solution, its tests in a `node:vm` context.
///
/// Node's permission model is on with nothing allowed (no file reads or writes, no child
/// processes, no workers, no addons); code generation from strings is off, which also closes
/// the `this.constructor.constructor("return process")` way out of the vm context. The heap
/// is capped with `--max-old-space-size` at the memory budget, and the address-space rlimit is
/// the budget plus 1280 MB because V8 reserves about 700 MB of address space at start-up
/// (measured with Node 20: below ~720 MB it aborts with "Failed to reserve virtual memory
/// for CodeRange").
public struct JavaScriptRunner: LanguageRunner {
    public init() {}

    public var language: String { "javascript" }
    public var interpreterNames: [String] { ["node", "nodejs"] }
    public var introspectionArguments: [String] { ["-e", "console.log(process.execPath)"] }
    public var runnerArguments: [String] { runnerArguments(memoryMB: 512) }
    public var probeArguments: [String] { ["-e", "console.log('ok')"] }

    /// Address space V8 needs beyond its heap.
    static let reservationMB = 1280

    public func runnerArguments(memoryMB: Int) -> [String] {
        [
            "--experimental-permission", "--no-warnings", "--disallow-code-generation-from-strings",
            "--max-old-space-size=\(max(memoryMB, 32))",
            "-e", javaScriptRunnerSource,
        ]
    }

    public func addressSpaceBytes(memoryMB: Int) -> Int {
        (max(memoryMB, 64) + Self.reservationMB) << 20
    }
}
