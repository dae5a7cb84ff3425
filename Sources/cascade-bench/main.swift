import Foundation

/// `cascade-bench <name> [options]`: one benchmark per file, measured on the built code.
let benchmarks: [String: @Sendable ([String]) async throws -> Int32] = [
    "sandbox": { try await SandboxBenchmark.run($0); return 0 },
    "lsp": { await LSPBenchCommand.run($0) },
    "replay": { try await ReplayBenchmark.run($0); return 0 },
    "latency": { try await LatencyBenchmark.run($0) },
]
let usage = """
    usage: cascade-bench (sandbox | lsp | replay | latency) [options]
      sandbox [--parallelism N]  10 solutions x 10 tests through each sandbox layer, spawn overhead, cancellation
      lsp [--binary PATH]        round trips and completions through the real `cascade lsp` with an instant fake
                                 model (PATH defaults to .build/release/cascade: `swift build -c release` first)
      replay [--recording DIR]   a recording replayed stage by stage, no model, no sandbox (DIR defaults to
                                 the committed HumanEval recording)
      latency [--problems N] [--config FILE]
                                 time to the first text and to the final answer against the bare greedy
                                 generation, with the real local models (`cascade setup` first), on every
                                 8th HumanEval problem (20 by default; the local default config)
    """

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks[name] else {
    let asked = arguments.first.map { $0 == "--help" || $0 == "-h" } ?? false
    let message = (asked ? "" : "cascade-bench: unknown or missing benchmark\n") + usage + "\n"
    FileHandle.standardError.write(Data(message.utf8))
    exit(asked ? 0 : 2)
}
do {
    exit(try await benchmark(Array(arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("cascade-bench \(name): \(error)\n".utf8))
    exit(1)
}
