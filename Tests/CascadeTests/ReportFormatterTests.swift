import Testing
@testable import Cascade

@Suite struct ReportFormatterTests {
    let formatter = ReportFormatter()

    static let passed = CascadeReport(
        id: "c-17", status: .passed, language: "python", entryPoint: "add", completion: "    return a + b\n",
        acceptedTier: "small",
        tiers: [TierReport(name: "small", model: "qwen2.5-coder-0.5b-instruct", samples: 3, tests: 12, bestPassed: 12,
                           score: 1, threshold: 1, accepted: true, promptTokens: 420, completionTokens: 610,
                           costUSD: 0.0000305, generationMs: 8100, testMs: 95)],
        tests: ["assert add(1, 2) == 3"], totalCostUSD: 0.0000305, baselineCostUSD: 0.00019, baselineIsEstimate: true,
        latencyMs: 8300)

    @Test func detailReadsLikeTheDesign() {
        #expect(formatter.detail(Self.passed) == "✓ 12/12 tests · small · $0.00003")
    }

    @Test func detailVariantsForUnverifiedFailedAndCached() {
        var report = Self.passed
        report.status = .unverified
        report.tiers[0].bestPassed = 3
        #expect(formatter.detail(report) == "? unverified · 3/12 tests · small · $0.00003")
        report.tiers[0].tests = 0
        #expect(formatter.detail(report) == "? unverified (untested) · small · $0.00003")
        report.status = .failed
        #expect(formatter.detail(report) == "✗ failed · $0.00003")
        report.status = .cached
        #expect(formatter.detail(report) == "✓ cached · 1 tests · small · $0")
    }

    @Test func terminalTextHasTheCompletionTableAndSummary() {
        let text = formatter.terminalText(Self.passed)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "    return a + b")
        #expect(lines[2].hasPrefix("tier   model"))
        for column in ["samples", "tests", "best passed", "score", "accepted", "tokens", "cost", "time"] {
            #expect(lines[2].contains(column))
        }
        #expect(lines[3].hasPrefix("small  qwen2.5-coder-0.5b-instruct  3"))
        #expect(lines[3].contains("420+610"))
        #expect(lines[3].contains("$0.0000305"))
        #expect(lines[3].contains("8.2 s"))
        #expect(lines[4] == "passed · accepted at small · 12/12 tests · cost $0.0000305 vs $0.00019 for the last tier alone (estimated), ~84% cheaper · 8.3 s")
    }

    @Test func theBadgeComparesWithTheLastTierAloneAndShowsALossAsALoss() {
        #expect(formatter.badge(Self.passed) == Badge(text: "✓ 12/12 tests · small · $0.00003 · ~84% cheaper than the last tier alone", severity: .ok))
        var dearer = Self.passed
        dearer.acceptedTier = "medium"
        dearer.tiers[0].accepted = false
        dearer.tiers.append(TierReport(
            name: "medium", model: "qwen2.5-coder-1.5b-instruct", samples: 4, tests: 12, bestPassed: 12, score: 1, threshold: 0,
            accepted: true, promptTokens: 400, completionTokens: 300, costUSD: 0.0000300, generationMs: 9000, testMs: 90))
        dearer.totalCostUSD = 0.0000605
        dearer.baselineCostUSD = 0.0000300
        dearer.baselineIsEstimate = false
        #expect(dearer.savedFraction.map { $0 < 0 } == true, "not clamped to 0")
        #expect(formatter.badge(dearer).text == "✓ 12/12 tests · medium · $0.00006 · 102% dearer than medium alone")
        #expect(formatter.summary(dearer).contains("vs $0.00003 for medium alone, 102% dearer"))
        dearer.status = .unverified
        #expect(formatter.badge(dearer).severity == .warning)
    }

    @Test func markdownHasATableRowPerTier() {
        let markdown = formatter.markdown(Self.passed)
        #expect(markdown.hasPrefix("**✓ 12/12 tests · small · $0.00003**"))
        #expect(markdown.contains("| tier | model | samples |"))
        #expect(markdown.contains("| small | qwen2.5-coder-0.5b-instruct | 3 | - | 12 | 12 | 1.00/1.00 | yes | 420+610 | $0.0000305 | 8.2 s |"))
    }

    @Test func theUsersExamplesAreShownApartFromTheModelsTests() {
        var report = Self.passed
        report.examples = ExampleCounts(passed: 3, total: 3)
        report.tiers[0].examples = ExampleCounts(passed: 3, total: 3)
        report.tiers[0].candidates = 2
        report.tiers[0].bestPassed = 9
        #expect(formatter.detail(report) == "✓ 3/3 your examples · 9/12 model tests · small · $0.00003")
        #expect(formatter.summary(report).contains("accepted at small · 3/3 your examples · 9/12 model tests"))
        #expect(formatter.table(report).contains("2 of 3"), "a sequential tier that stopped early says how many it wrote")
        report.status = .unverified
        report.examples = ExampleCounts(passed: 1, total: 2)
        #expect(formatter.detail(report).hasPrefix("? unverified · 1/2 your examples · 9/12 model tests · small"))
    }

    @Test func dollarsKeepSignificantDigitsBelowACent() {
        #expect(ReportFormatter.dollars(0) == "$0")
        #expect(ReportFormatter.dollars(0.42) == "$0.42")
        #expect(ReportFormatter.dollars(12.346) == "$12.35")
        #expect(ReportFormatter.dollars(0.0000305, significant: 1) == "$0.00003")
        #expect(ReportFormatter.dollars(0.0000305) == "$0.0000305")
        #expect(ReportFormatter.dollars(0.00019) == "$0.00019")
    }
}

@Suite struct PromptLibraryTests {
    let python = PythonLanguage()
    var context: CompletionContext { python.context(in: EngineFixtures.document, line: EngineFixtures.line, utf16Column: 0) }

    @Test func solutionPromptShowsTheHeaderAndStopsAtTheClosingFence() {
        let prompt = PromptLibrary.solution(for: context, python.vocabulary)
        #expect(prompt.prompt.messages.count == 2)
        #expect(prompt.prompt.messages[1].content.contains("```python\nimport math\n\n\ndef add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n```"))
        #expect(prompt.stop(for: .chat) == ["\n```\n"])
        #expect(prompt.prompt.text.hasSuffix("def add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n"))
        #expect(prompt.stop(for: .completions).contains("\ndef "))
    }

    @Test func testPromptAsksForAssertsOnTheEntryPointWithAPlaceholderBody() {
        let prompt = PromptLibrary.tests(for: context, count: 4, python.vocabulary)
        let user = prompt.prompt.messages[1].content
        #expect(user.contains("Write 4 tests for `add`"))
        #expect(user.contains("`assert add(...) == expected`"))
        #expect(user.contains("    \"\"\"Return the sum of a and b.\"\"\"\n    pass\n```"))
        #expect(prompt.prompt.text.hasSuffix("# Tests for add: each line checks one input against its expected output.\nassert "))
        #expect(prompt.completionsSeed == "assert ")
    }

    @Test func methodPromptsNameTheClass() {
        let method = python.context(in: "class Stack:\n    def push(self, x):\n        \"\"\"Push.\"\"\"\n", line: 2, utf16Column: 0)
        #expect(PromptLibrary.solution(for: method, python.vocabulary).prompt.messages[1].content.contains("the method `push` of class `Stack`"))
        #expect(PromptLibrary.tests(for: method, count: 2, python.vocabulary).prompt.messages[1].content.contains("`assert Stack(...).push(...) == expected`"))
    }

    @Test func plainPromptMarksTheCursor() {
        let plain = python.context(in: "import os\n\nx = 1\n", line: 1, utf16Column: 0)
        let prompt = PromptLibrary.plain(for: plain, python.vocabulary)
        #expect(prompt.prompt.messages[1].content.contains("import os\n# <CURSOR>\nx = 1\n```"))
        #expect(prompt.prompt.text == "import os\n")
    }
}
