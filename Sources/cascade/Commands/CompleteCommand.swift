import Cascade
import Foundation

/// `cascade complete [--config FILE] [--json] FILE:LINE`
enum CompleteCommand {
    static let spec = CommandSpec(
        name: "complete", positionals: "FILE:LINE",
        summary: "complete the function at LINE (1-based) of FILE and show what it cost",
        options: [
            .valued("config", "FILE", "the configuration (default: the usual lookup, then the local default)"),
            .flag("json", "print the report as JSON instead of the completion and its table"),
        ],
        run: run)

    static func run(_ arguments: [String]) async throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, spec: spec)
        guard parsed.positionals.count == 1, let target = parsed.positionals.first else {
            throw CLIError.usage("give one FILE:LINE, e.g. `cascade complete src/util.py:12`")
        }
        let (path, line) = try parseTarget(target)
        let runtime = try Runtime(configPath: parsed.options["config"])
        let report = try await complete(path: path, line: line, runtime: runtime, json: parsed.flags.contains("json"), showsCandidates: false)
        return report.status == .failed ? 1 : 0
    }

    /// Runs one cascade on the function at `line` (1-based) of `path` and prints it; with
    /// `showsCandidates`, each candidate is printed the moment it is written, before its tests.
    @discardableResult
    static func complete(path: String, line: Int, runtime: Runtime, json: Bool, showsCandidates: Bool) async throws -> CascadeReport {
        guard let data = FileManager.default.contents(atPath: path), let original = String(data: data, encoding: .utf8) else {
            throw CLIError.usage("cannot read \(path): check that the file exists and is UTF-8 text")
        }
        // "\r\n" is one Character in Swift, so a CRLF file would read as one long line:
        // the cascade sees LF line ends (nothing is written back to the file).
        let text = original.replacingOccurrences(of: "\r\n", with: "\n")
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
        guard line >= 1, line <= lineCount else {
            throw CLIError.usage("\(path) has \(lineCount) lines; line \(line) does not exist")
        }
        let extensionName = (path as NSString).pathExtension
        guard let language = LanguageRegistry.standard.language(fileExtension: extensionName) else {
            throw CLIError.usage("no language support for .\(extensionName) files (supported: \(LanguageRegistry.standard.supportedIds.joined(separator: ", ")))")
        }
        let context = language.context(in: text, line: line - 1, utf16Column: nil)
        guard context.kind != .plain else {
            throw CLIError.usage("\(path):\(line) is not inside a function: point at a def's signature, docstring or body")
        }
        let request = CompletionRequest(
            text: text, line: line - 1, utf16Column: 0, languageId: language.languageId,
            uri: URL(fileURLWithPath: path).absoluteString)
        let engine = runtime.makeEngine()
        let start = ContinuousClock.now
        let result = try await engine.complete(request) { step in
            if case .candidate(let preview) = step, showsCandidates {
                let seconds = String(format: "%.1f", (ContinuousClock.now - start).milliseconds / 1000)
                print("── \(preview.tier), candidate \(preview.index + 1), written after \(seconds) s; testing…\n\(preview.completion)")
            } else if !json {
                ProcessEnvironment.log("cascade: \(step.message)")
            }
        }
        let report = result.report
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(ReportFormatter().terminalText(report))
        }
        if report.status == .failed {
            let reason = report.reason ?? report.tiers.compactMap(\.error).last ?? "every tier failed"
            ProcessEnvironment.log("cascade complete: no completion: \(reason)")
        }
        return report
    }

    /// Splits `FILE:LINE` at its last colon.
    static func parseTarget(_ target: String) throws -> (String, Int) {
        guard let colon = target.lastIndex(of: ":"), let line = Int(target[target.index(after: colon)...]) else {
            throw CLIError.usage("expected FILE:LINE (1-based line), got '\(target)'")
        }
        return (String(target[..<colon]), line)
    }
}
