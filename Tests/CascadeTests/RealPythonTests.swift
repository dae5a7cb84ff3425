import Foundation
import TestSupport
import Testing
@testable import Cascade

/// The programs the engine hands to the sandbox, checked by a real Python interpreter:
/// every extracted candidate compiles, and the method program runs its tests.
/// python3 on PATH, if any.
let realPython: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
    let found = path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    if found == nil { print("RealPythonTests skipped: python3 not found on PATH") }
    return found
}()

@Suite(.timeLimit(.minutes(1)), .enabled(if: realPython != nil, "python3 not found on PATH; real-interpreter checks skipped"))
struct RealPythonTests {

    /// Runs `program` with python3; returns the exit status and stderr.
    private func run(_ program: String) async throws -> (status: Int32, stderr: String) {
        let outcome = try await ChildCommand.run(realPython!, ["-c", program])
        return (outcome.status, outcome.standardError)
    }

    @Test func everyCorpusSolutionIsAProgramPythonRuns() async throws {
        let python = PythonLanguage()
        let context = python.context(in: ModelOutputCorpus.document, line: 7, utf16Column: 0)
        let raws = [ModelOutputCorpus.fencedWithProseAndExample, ModelOutputCorpus.unclosedFence,
                    ModelOutputCorpus.unfencedWithMainBlock, ModelOutputCorpus.tabsAndHelper,
                    ModelOutputCorpus.repeatedHeader]
        let tests = python.extractTests(from: ModelOutputCorpus.testsFencedWithWrongAndExtra, for: context, limit: 5)
            .filter { !$0.contains("[]") }  // the model's wrong assert about the empty list
        for raw in raws {
            let candidate = try #require(python.extractSolution(from: raw, for: context))
            let result = try await run(candidate.program + tests.joined(separator: "\n") + "\n")
            #expect(result.status == 0, "\(candidate.program)\n\(result.stderr)")
        }
        // A wrong but well-formed body loads; only its tests would fail.
        let bodyOnly = try #require(python.extractSolution(from: ModelOutputCorpus.bodyOnly, for: context))
        #expect(try await run(bodyOnly.program).status == 0)
    }

    @Test func methodProgramConstructsTheClass() async throws {
        let python = PythonLanguage()
        let text = "class Counter:\n    def __init__(self):\n        self.n = 0\n\n    def bump(self, by):\n        \"\"\"Add by.\"\"\"\n        pass\n\n    def reset(self):\n        self.n = 0\n"
        let context = python.context(in: text, line: 6, utf16Column: 0)
        let candidate = try #require(python.extractSolution(
            from: "```python\nclass Counter:\n    def bump(self, by):\n        self.n += by\n        return self.n\n```", for: context))
        let result = try await run(candidate.program + "assert Counter().bump(2) == 2\n")
        #expect(result.status == 0, "\(candidate.program)\n\(result.stderr)")
    }

    @Test func syntaxCheckProgramCompilesWithoutRunning() async throws {
        let python = PythonLanguage()
        let nested = python.context(in: "def outer(x):\n    def inner(y):\n        \"\"\"Add x.\"\"\"\n\n    return inner(1)\n", line: 3, utf16Column: 0)
        let good = try #require(python.syntaxCheckProgram(for: "        raise SystemExit(3)\n", in: nested))
        #expect(try await run(good).status == 0)
        let bad = try #require(python.syntaxCheckProgram(for: "        return (x +\n", in: nested))
        let failed = try await run(bad)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("SyntaxError"))
        let topLevel = python.context(in: "class A:\n    x = 1\n\n", line: 2, utf16Column: 0)
        #expect(try await run(python.syntaxCheckProgram(for: "    y = 2\n    z = 3\n", in: topLevel)!).status == 0)
    }

    /// A `from typing import *` answer (the body needs it: `cast`) and a `from __future__`
    /// one pass a real test, since those imports are at module level in the program; the
    /// document with the report's import edit and the body inserted passes it too.
    @Test func starAndFutureImportAnswersPassARealTest() async throws {
        let python = PythonLanguage()
        let context = python.context(in: ModelOutputCorpus.document, line: 7, utf16Column: 0)
        let test = "assert has_close_elements([1.0, 2.8, 3.0], 0.3) and not has_close_elements([1.0, 2.0], 0.5)\n"
        for raw in [ModuleImportTests.starImportAnswer, ModuleImportTests.futureImportAnswer] {
            let candidate = try #require(python.extractSolution(from: raw, for: context))
            let result = try await run(candidate.program + test)
            #expect(result.status == 0, "\(candidate.program)\n\(result.stderr)")

            var lines = SourceLines.split(ModelOutputCorpus.document)
            lines.replaceSubrange(context.startLine..<context.endLine, with: SourceLines.split(candidate.completion))
            let insertion = try #require(python.moduleImportInsertion(of: candidate.moduleImports, in: ModelOutputCorpus.document))
            lines.insert(contentsOf: SourceLines.split(insertion.text), at: insertion.line)
            let edited = try await run(SourceLines.join(lines) + test)
            #expect(edited.status == 0, "\(SourceLines.join(lines))\n\(edited.stderr)")
        }
        // Nested in the body, as before, the star import does not even compile.
        let star = try #require(python.extractSolution(from: ModuleImportTests.starImportAnswer, for: context))
        let nested = try await run(context.program(withBody: "    from typing import *\n" + star.completion) + test)
        #expect(nested.stderr.contains("SyntaxError"))
    }
}
