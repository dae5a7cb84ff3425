import Foundation

/// `cascade-bench <benchmark> [options]`: measurements that need the built binaries.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: cascade-bench lsp [--binary PATH]
      lsp   round trips and completions through the real `cascade lsp` with an instant fake model
            (PATH defaults to .build/release/cascade; build it with 'swift build -c release')
    """
switch arguments.first {
case "lsp":
    exit(await LSPBenchCommand.run(Array(arguments.dropFirst())))
case "-h", "--help", "help":
    print(usage)
default:
    FileHandle.standardError.write(Data("cascade-bench: unknown benchmark '\(arguments.first ?? "")'\n\(usage)\n".utf8))
    exit(2)
}
