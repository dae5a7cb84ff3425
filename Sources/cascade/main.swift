import Foundation

/// `cascade`: the command line. Each subcommand lives in its own file under Commands/.
ProcessEnvironment.prepare()
let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
    print(CommandSpec.globalUsage)
    exit(arguments.isEmpty ? 2 : 0)
}
guard let spec = CommandSpec.named(name) else {
    FileHandle.standardError.write(Data("cascade: unknown command '\(name)'; run `cascade --help` for the list\n".utf8))
    exit(2)
}
let rest = Array(arguments.dropFirst())
if rest.contains("--help") || rest.contains("-h") {
    print(spec.help, terminator: "")
    exit(0)
}
do {
    let code = try await spec.run(rest)
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
