import Foundation
import ModelClients

/// `cascade setup`: installs the local default under `$CASCADE_HOME`.
enum SetupCommand {
    static let spec = CommandSpec(
        name: "setup", summary: "install the local models and llama.cpp's server under $CASCADE_HOME",
        run: run)

    static func run(_ arguments: [String]) async throws -> Int32 {
        _ = try CommandLineArguments(arguments, spec: spec)
        try await install()
        return 0
    }

    /// Runs every setup step that is not done yet and says where things are.
    static func install() async throws {
        let setup = LocalSetup()
        do {
            let report = try await setup.run()
            if report.nothingToDo {
                ProcessEnvironment.log("cascade setup: everything is already installed in \(setup.home.root)")
            } else {
                ProcessEnvironment.log(String(format: "cascade setup: done in %.0f s (%@); installed in %@",
                                              report.seconds, report.performed.joined(separator: ", "), setup.home.root))
            }
        } catch {
            throw CLIError.runtime(error.description)
        }
    }
}
