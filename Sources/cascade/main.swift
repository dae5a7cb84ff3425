import Foundation

/// `cascade`: the command line. Each subcommand lives in its own file under Commands/.
let usage = """
usage: cascade <command> [options]

commands:
  demo                                   set up if needed, run one cascade on a bundled example
  complete [--config F] [--json] FILE:LINE
                                         complete the function at LINE (1-based) and show its cost
  lsp [--config F]                       the language server on stdin/stdout
  eval [--config F] (--problems F.jsonl | --dataset humaneval) [--limit N]
       [--record DIR] [--replay DIR] [--out DIR] [--json]
                                         measure the cascade and each tier alone on problems;
                                         --replay DIR alone uses the recording's config and problems;
                                         --out DIR writes report.md, pareto.svg and repricing.svg
  tune --replay DIR [--budget USD] [--out FILE] [--config F] [--problems F.jsonl] [--seed N]
                                         pick (k, l, θ) per tier from a recording: the most accurate
                                         policy costing at most USD per problem on a seeded 30%
                                         validation split, judged on the rest; writes a config
                                         (default cascade-tuned.json)
  setup                                  install the local models under $CASCADE_HOME
  doctor                                 check Python, the sandbox and every tier
"""

let commands: [String: ([String]) async throws -> Int32] = [
    "complete": CompleteCommand.run,
    "lsp": LSPCommand.run,
    "eval": EvalCommand.run,
    "tune": TuneCommand.run,
    "setup": SetupCommand.run,
    "doctor": DoctorCommand.run,
    "demo": DemoCommand.run,
]

ProcessEnvironment.prepare()
let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
    print(usage)
    exit(arguments.isEmpty ? 2 : 0)
}
guard let command = commands[name] else {
    FileHandle.standardError.write(Data("cascade: unknown command '\(name)'; run `cascade --help` for the list\n".utf8))
    exit(2)
}
let rest = Array(arguments.dropFirst())
if rest.contains("--help") || rest.contains("-h") {
    print(usage)
    exit(0)
}
do {
    let code = try await command(rest)
    await ProcessEnvironment.shutdown()
    exit(code)
} catch let error as CLIError {
    await ProcessEnvironment.shutdown()
    FileHandle.standardError.write(Data("cascade \(name): \(error)\n".utf8))
    exit(error.exitCode)
} catch is CancellationError {
    await ProcessEnvironment.shutdown()
    FileHandle.standardError.write(Data("cascade \(name): cancelled\n".utf8))
    exit(1)
} catch {
    await ProcessEnvironment.shutdown()
    FileHandle.standardError.write(Data("cascade \(name): \(error)\n".utf8))
    exit(1)
}
