import Foundation
import Testing
@testable import Cascade

/// Imports Python accepts only at module level (`from m import *`, `from __future__ import
/// …`) that a model puts above its function: they go to the top of the tested program and,
/// through `moduleImports` and the report's `imports`, to the top of the document, never
/// into the body (where they are a SyntaxError).
@Suite struct ModuleImportTests {
    let python = PythonLanguage()
    var context: CompletionContext { python.context(in: ModelOutputCorpus.document, line: 7, utf16Column: 0) }

    /// The shape Qwen2.5-Coder 0.5B answers in: the star import, an ordinary one, the
    /// function (which needs the star import: `cast` comes from it).
    static let starImportAnswer = """
        ```python
        from typing import *
        import math

        def has_close_elements(numbers: List[float], threshold: float) -> bool:
            \"\"\"Check if any two numbers are closer to each other than the threshold.\"\"\"
            ordered = cast(List[float], sorted(numbers))
            return any(math.fabs(a - b) < threshold for a, b in zip(ordered, ordered[1:]))

        print(has_close_elements([1.0, 2.0], 0.5))
        ```
        """

    static let futureImportAnswer = """
        ```python
        from __future__ import annotations

        def has_close_elements(numbers: list[float], threshold: float) -> bool:
            return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])
        ```
        """

    @Test func aStarImportGoesToModuleLevelAndOrdinaryImportsStayInTheBody() throws {
        let candidate = try #require(python.extractSolution(from: Self.starImportAnswer, for: context))
        #expect(candidate.moduleImports == ["from typing import *"])
        #expect(!candidate.completion.contains("import *"))
        #expect(candidate.completion.hasPrefix("    import math\n\n    ordered = cast(List[float], sorted(numbers))\n"))
        // At the top of the program, before the document's own imports and the function.
        #expect(candidate.program.hasPrefix("from typing import *\nfrom typing import List\n"))
        #expect(candidate.program.components(separatedBy: "import *").count == 2)
    }

    @Test func aFutureImportGoesFirstInTheProgram() throws {
        let candidate = try #require(python.extractSolution(from: Self.futureImportAnswer, for: context))
        #expect(candidate.moduleImports == ["from __future__ import annotations"])
        #expect(!candidate.completion.contains("__future__"))
        #expect(candidate.program.hasPrefix("from __future__ import annotations\nfrom typing import List\n"))
    }

    @Test func importsTheDocumentAlreadyHasAreNotRepeated() throws {
        let document = "from __future__ import annotations\nfrom typing import *\n\n\n" + ModelOutputCorpus.document
        let context = python.context(in: document, line: 11, utf16Column: 0)
        #expect(context.entryPoint == "has_close_elements")
        let star = try #require(python.extractSolution(from: Self.starImportAnswer, for: context))
        #expect(star.moduleImports.isEmpty)
        #expect(star.program.components(separatedBy: "import *").count == 2)
        let future = try #require(python.extractSolution(from: Self.futureImportAnswer, for: context))
        #expect(future.moduleImports.isEmpty)
        #expect(future.program.hasPrefix("from __future__ import annotations\nfrom typing import *\n"))
    }

    @Test func newImportsGoAfterTheFutureImportsAProgramAlreadyHas() {
        let program = "from __future__ import annotations\nimport os\n\ndef f():\n    return 1\n"
        #expect(PythonModuleImports.inserting(["from os.path import *", "from __future__ import division"], into: program)
            == "from __future__ import annotations\nfrom __future__ import division\nfrom os.path import *\nimport os\n\ndef f():\n    return 1\n")
    }

    // MARK: - Where they go in a document

    @Test func documentInsertionGoesAfterShebangEncodingDocstringAndFutureImports() {
        let imports = ["from typing import *", "from __future__ import annotations"]
        let plain = "import os\n\ndef f():\n    pass\n"
        #expect(python.moduleImportInsertion(of: imports, in: plain)
            == ModuleImportInsertion(line: 0, text: "from __future__ import annotations\nfrom typing import *\n"))
        let headed = "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n\"\"\"Tools.\n\nMore.\n\"\"\"\nfrom __future__ import division\n\ndef f():\n    pass\n"
        #expect(python.moduleImportInsertion(of: imports, in: headed)
            == ModuleImportInsertion(line: 7, text: "from __future__ import annotations\nfrom typing import *\n"))
        // Straight before code, a blank line keeps them apart.
        #expect(python.moduleImportInsertion(of: ["from math import *"], in: "#!/usr/bin/env python3\ndef f():\n    pass\n")
            == ModuleImportInsertion(line: 1, text: "from math import *\n\n"))
    }

    @Test func documentInsertionIsNilWhenTheDocumentHasThemAll() {
        let document = "from __future__ import annotations\nfrom typing import *  # everything\n\ndef f():\n    pass\n"
        #expect(python.moduleImportInsertion(of: ["from typing  import *", "from __future__ import annotations"], in: document) == nil)
        #expect(python.moduleImportInsertion(of: ["from math import *"], in: document)
            == ModuleImportInsertion(line: 1, text: "from math import *\n"))
    }

    // MARK: - The report

    @Test func theReportCarriesImportsInJSONOnlyWhenThereAreSome() throws {
        func report(_ imports: [String]?) -> CascadeReport {
            CascadeReport(
                id: "c-1", status: .passed, language: "python", entryPoint: "f", completion: "    return 1\n",
                acceptedTier: "small", tiers: [], tests: [], totalCostUSD: 0, baselineCostUSD: 0,
                baselineIsEstimate: false, latencyMs: 1, imports: imports)
        }
        func json(_ report: CascadeReport) throws -> [String: Any] {
            try #require(JSONSerialization.jsonObject(with: try JSONEncoder().encode(report)) as? [String: Any])
        }
        #expect(try json(report(nil))["imports"] == nil)
        #expect(report([]).imports == nil)
        #expect(try json(report([]))["imports"] == nil)
        let carrying = report(["from typing import *"])
        #expect(try json(carrying)["imports"] as? [String] == ["from typing import *"])
        #expect(try JSONDecoder().decode(CascadeReport.self, from: try JSONEncoder().encode(carrying)) == carrying)
        #expect(ReportFormatter().terminalText(carrying).hasPrefix("at the top of the file:\nfrom typing import *\n\nin place of the body:\n    return 1\n"))
    }
}
