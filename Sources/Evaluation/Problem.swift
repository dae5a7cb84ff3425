import Cascade
import Foundation

/// One problem in HumanEval's JSONL format.
public struct Problem: Sendable, Equatable, Codable {
    public var taskID: String
    /// The function's signature and docstring: what the user would have typed.
    public var prompt: String
    public var entryPoint: String
    /// The hidden test: defines `check(candidate)`.
    public var test: String
    public var canonicalSolution: String?

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case prompt
        case entryPoint = "entry_point"
        case test
        case canonicalSolution = "canonical_solution"
    }

    public init(taskID: String, prompt: String, entryPoint: String, test: String, canonicalSolution: String? = nil) {
        self.taskID = taskID
        self.prompt = prompt
        self.entryPoint = entryPoint
        self.test = test
        self.canonicalSolution = canonicalSolution
    }

    /// The program the hidden test runs: the prompt followed by a completed body.
    public func program(body: String) -> String {
        prompt + body
    }

    /// The hidden test as one statement block for the test executor.
    public var hiddenTest: String {
        test + "\ncheck(\(entryPoint))\n"
    }
}

/// Problems read from a JSONL file, with the lines that could not be read.
public struct ProblemSet: Sendable {
    public var problems: [Problem]
    /// One message per malformed line, naming its line number.
    public var malformedLines: [String]

    /// Reads HumanEval-format JSONL; a malformed line is reported and skipped, never fatal.
    public static func parse(jsonl: String, source: String) -> ProblemSet {
        var problems: [Problem] = []
        var malformed: [String] = []
        let decoder = JSONDecoder()
        for (index, line) in jsonl.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                problems.append(try decoder.decode(Problem.self, from: Data(trimmed.utf8)))
            } catch {
                malformed.append("\(source):\(index + 1): not a HumanEval problem (needs task_id, prompt, entry_point, test); line skipped")
            }
        }
        return ProblemSet(problems: problems, malformedLines: malformed)
    }

    public static func load(path: String) throws -> ProblemSet {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw EvaluationError.unreadable(path: path)
        }
        return parse(jsonl: text, source: path)
    }
}

public enum EvaluationError: RequestAbortingError, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case datasetMissing(path: String)
    case replayMissing(what: String, directory: String)
    case recordingNotFound(directory: String)
    case badRecording(path: String, line: Int)

    public var description: String {
        switch self {
        case .unreadable(let path):
            "cannot read problems file \(path): check the path (HumanEval JSONL: task_id, prompt, entry_point, test)"
        case .datasetMissing(let path):
            "HumanEval data not found at \(path): run `cascade setup` first"
        case .replayMissing(let what, let directory):
            "the recording in \(directory) holds no \(what): replay it with the config it was recorded with (its config.json), or add this with `cascade eval --record \(directory)`"
        case .recordingNotFound(let directory):
            "no recording at \(directory): check the path, or make one with `cascade eval --dataset humaneval --record \(directory)`"
        case .badRecording(let path, let line):
            "\(path):\(line) is not a valid recording line: delete that line and record again"
        }
    }
}
