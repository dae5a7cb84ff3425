import Cascade
import Foundation
import ModelClients

/// `cascade demo`: sets up the local models if needed, then runs one cascade on a bundled
/// example with the local default and explains what it shows.
enum DemoCommand {
    static let spec = CommandSpec(
        name: "demo", summary: "set up if needed, then complete a bundled example with the local models",
        details: "Offline: installs the local models on first use (`cascade setup`), then shows each candidate as it is written and the verdict.",
        run: run)

    static func run(_ arguments: [String]) async throws -> Int32 {
        _ = try CommandLineArguments(arguments, spec: spec)
        let home = CascadeHome()
        let installed = await home.venvIsReady() && LocalModelCatalog.all.allSatisfy(home.modelIsComplete)
        if !installed {
            ProcessEnvironment.log("cascade demo: the local models are not installed yet; running `cascade setup` first (about 10 minutes on a fresh machine)")
            try await SetupCommand.install()
        }
        // The local default, whatever config the working directory has: the demo is offline.
        let config = (try? ConfigLoader.load(path: home.config)) ?? LocalModelDefaults.config
        let runtime = Runtime(loaded: LoadedConfig(config: config, source: .localSetup(home.config)))

        let directory = NSTemporaryDirectory() + "cascade-demo-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + DemoExample.fileName
        try DemoExample.source.write(toFile: path, atomically: true, encoding: .utf8)

        let first = config.tiers.first
        print("""
        Cascade demo: completing this function with the local models \
        (\(config.tiers.map { "\($0.name): \($0.model)" }.joined(separator: " → "))).

        \(DemoExample.source)
        \(first?.name ?? "The first tier") writes one candidate body at a time, the first greedily; each is \
        shown as soon as it is written, then tested in the sandbox against the examples in \
        the docstring. The first candidate that passes them is the answer; if none of up to \
        \(first?.samples ?? 0) does, the next, larger model is asked the same way.

        """)
        let report = try await CompleteCommand.complete(path: path, line: DemoExample.line, runtime: runtime, json: false, showsCandidates: true)
        print("""

        What you see: each candidate as it was written, then the verdict: the completion, \
        one row per tier that ran (its tokens, cost, candidates, and how many of your \
        examples and of the model-written tests the answer passed), and what the last tier \
        alone would have cost. In an editor the candidate appears the same way, marked \
        "testing…", and the mark turns into the verdict (`cascade lsp`, editors/ in the repository).
        """)
        return report.status == .failed ? 1 : 0
    }
}
