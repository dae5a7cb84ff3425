// swift-tools-version:6.1
import PackageDescription

/// Cascade: an LSP completion server that runs a model cascade and verifies every
/// suggestion with tests in a sandbox. No package dependencies by design.
let package = Package(
    name: "Cascade",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cascade", targets: ["cascade"]),
        .executable(name: "cascade-bench", targets: ["cascade-bench"]),
    ],
    targets: [
        // Spawning child processes: posix_spawn, process groups, deadlines, draining.
        .target(name: "Processes"),
        // The engine: config, tiers, prompts, extraction, scoring, reports. Knows only
        // the `CodeModel` and `TestExecutor` protocols, never their implementations.
        .target(name: "Cascade"),
        // Isolation layers and language runners; implements `TestExecutor`.
        .target(name: "Sandbox", dependencies: ["Processes", "Cascade"]),
        // OpenAI-compatible HTTP client, managed local servers, setup; implements `CodeModel`.
        .target(name: "ModelClients", dependencies: ["Processes", "Cascade"]),
        // Content-Length framing, message envelope, ids, dispatch, cancellation.
        .target(name: "JSONRPC"),
        // The LSP subset on top of JSONRPC, driving a `CompletionEngine`.
        .target(name: "LanguageServer", dependencies: ["JSONRPC", "Cascade"]),
        // Datasets, record/replay, baselines, the (k, l, θ) tuner, reports.
        .target(name: "Evaluation", dependencies: ["Cascade", "Processes"]),
        // The command line; nothing else.
        .executableTarget(
            name: "cascade",
            dependencies: ["Cascade", "Sandbox", "ModelClients", "LanguageServer", "Evaluation"]
        ),
        .executableTarget(
            name: "cascade-bench",
            dependencies: ["Cascade", "Sandbox", "Processes", "ModelClients", "JSONRPC", "TestSupport", "Evaluation"]
        ),
        // Real fakes for tests: an HTTP server on 127.0.0.1 that plays a model.
        .target(name: "TestSupport", dependencies: ["Cascade"]),

        .testTarget(name: "ProcessesTests", dependencies: ["Processes"]),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "Processes", "Cascade"]),
        .testTarget(name: "CascadeTests", dependencies: ["Cascade", "TestSupport"]),
        .testTarget(name: "ModelClientsTests", dependencies: ["ModelClients", "Cascade", "TestSupport", "Processes"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Cascade", "TestSupport"], exclude: ["Recordings"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"]),
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer", "JSONRPC", "Cascade", "TestSupport"]),
        // The real `cascade` binary run as a user runs it.
        .testTarget(name: "CommandLineTests", dependencies: ["TestSupport"]),
        // Real Neovim and Emacs driving the real `cascade lsp` binary.
        .testTarget(name: "EditorTests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
