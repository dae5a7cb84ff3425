import Foundation

/// `cascade-bench <name>`: one benchmark per file; the lead adds more (e.g. `lsp`).
let benchmarks: [String: @Sendable ([String]) async throws -> Void] = [
    "sandbox": SandboxBenchmark.run,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks[name] else {
    let names = benchmarks.keys.sorted().joined(separator: " | ")
    FileHandle.standardError.write(Data("usage: cascade-bench (\(names)) [options]\n".utf8))
    exit(2)
}
do {
    try await benchmark(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("cascade-bench \(name): \(error)\n".utf8))
    exit(1)
}
