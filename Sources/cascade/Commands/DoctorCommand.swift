import Cascade
import Foundation
import ModelClients
import Sandbox

/// `cascade doctor`: checks Python, the sandbox layers and every tier; exit 0 only when
/// everything a cascade needs works.
enum DoctorCommand {
    static let spec = CommandSpec(
        name: "doctor", summary: "check Python, the sandbox layers and every tier",
        options: [.valued("config", "FILE", "the configuration whose tiers to check")],
        run: run)

    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, spec: spec)
        let runtime = try Runtime(configPath: parsed.options["config"])
        let layers = await runtime.executor.probe()
        var sandbox = DoctorCheck(name: "sandbox", ok: true, detail: layers.summary)
        do {
            let active = try layers.layers(for: runtime.config.execution.sandbox)
            sandbox.detail = "\(active)"
        } catch {
            sandbox = DoctorCheck(name: "sandbox", ok: false, detail: error.description,
                                  fix: "install bubblewrap (`apt-get install bubblewrap`) or set execution.sandbox to \"rlimits\"")
        }
        let doctor = Doctor(config: runtime.config, configSource: runtime.loaded.source.description,
                            provider: runtime.models, extraChecks: [sandbox])
        let report = await doctor.run()
        print(report.rendered)
        return report.allOK ? 0 : 1
    }
}
