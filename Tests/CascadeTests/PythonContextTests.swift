import Testing
@testable import Cascade

@Suite struct PythonContextTests {
    @Test func functionContextByNameFindsTheOutermostDefinition() throws {
        let text = "class A:\n    def add(self, x):\n        return x\n\ndef add(a, b):\n    \"\"\"Add.\"\"\"\n    return a + b\n\nz = 1\n"
        let context = try #require(PythonLanguage().functionContext(named: "add", in: text))
        #expect(context.kind == .function)
        #expect(context.entryPoint == "add")
        #expect(context.startLine == 6)
        #expect(context.endLine == 7)
        #expect(PythonLanguage().functionContext(named: "missing", in: text) == nil)
    }

    let python = PythonLanguage()

    @Test func emptyBodyAfterDocstringIsAFunctionWithItsHeaderAndImports() {
        let text = """
            import math
            from typing import List

            def helper(x):
                return x * 2

            def add(a: int, b: int) -> int:
                \"\"\"Return the sum of a and b.\"\"\"

            print("not part of the preamble")

            """
        let context = python.context(in: text, line: 7, utf16Column: 0)
        #expect(context.kind == .function)
        #expect(context.isTestable)
        #expect(context.entryPoint == "add")
        #expect(context.signature == "def add(a: int, b: int) -> int:")
        #expect(context.docstring == "\"\"\"Return the sum of a and b.\"\"\"")
        #expect(context.bodyIndent == "    ")
        #expect(context.startLine == 8)
        #expect(context.endLine == 8)
        #expect(context.preamble.contains("import math"))
        #expect(context.preamble.contains("def helper(x):"))
        #expect(!context.preamble.contains("print("))
        #expect(context.program(withBody: "    return a + b\n").hasSuffix("def add(a: int, b: int) -> int:\n    \"\"\"Return the sum of a and b.\"\"\"\n    return a + b\n"))
        #expect(context.promptCode.contains("def add(a: int, b: int) -> int:"))
    }

    @Test func cursorOnABlankIndentedLineAfterTheDocstringReplacesThatLine() {
        let text = "def f(x):\n    \"\"\"Double x.\"\"\"\n    \n"
        let context = python.context(in: text, line: 2, utf16Column: 4)
        #expect(context.kind == .function)
        #expect(context.startLine == 2)
        #expect(context.endLine == 3)
    }

    @Test func passAndEllipsisBodiesAreReplaced() {
        let pass = python.context(in: "def f(x):\n    \"\"\"Doc.\"\"\"\n    pass\n", line: 2, utf16Column: 4)
        #expect(pass.kind == .function)
        #expect(pass.startLine == 2)
        #expect(pass.endLine == 3)
        let ellipsis = python.context(in: "def f(x):\n    ...\n\n\ndef g():\n    return 1\n", line: 0, utf16Column: 0)
        #expect(ellipsis.entryPoint == "f")
        #expect(ellipsis.startLine == 1)
        #expect(ellipsis.endLine == 2)
    }

    @Test func oneLineStubIsRewrittenWithItsHeader() {
        let context = python.context(in: "def f(x): ...\n", line: 0, utf16Column: 0)
        #expect(context.kind == .function)
        #expect(context.startLine == 0)
        #expect(context.endLine == 1)
        #expect(context.completionLead == "def f(x):\n")
        #expect(context.program(withBody: "    return x\n") == "def f(x):\n    return x\n")
    }

    @Test func multiLineSignatureWithDecoratorsAndTabs() {
        let text = "import functools\n\n@functools.lru_cache(maxsize=None)\ndef fib(\n\tn: int,\n) -> int:\n\t\"\"\"Fibonacci.\n\n\t>>> fib(3)\n\t2\n\t\"\"\"\n"
        let context = python.context(in: text, line: 10, utf16Column: 0)
        #expect(context.kind == .function)
        #expect(context.entryPoint == "fib")
        #expect(context.decorators == ["@functools.lru_cache(maxsize=None)"])
        #expect(context.signature.hasPrefix("def fib(\n"))
        #expect(context.bodyIndent == "\t")
        #expect(context.startLine == 11)
        #expect(context.programHead.contains("@functools.lru_cache(maxsize=None)\ndef fib("))
    }

    @Test func methodIncludesItsClassInTheProgram() {
        let text = """
            class Stack:
                def __init__(self):
                    self.items = []

                def push(self, item):
                    \"\"\"Push an item and return the new size.\"\"\"
                    pass

                def size(self):
                    return len(self.items)

            """
        let context = python.context(in: text, line: 6, utf16Column: 8)
        #expect(context.kind == .method)
        #expect(context.isTestable)
        #expect(context.entryPoint == "push")
        #expect(context.className == "Stack")
        #expect(context.bodyIndent == "        ")
        #expect(context.startLine == 6)
        #expect(context.endLine == 7)
        let program = context.program(withBody: "        self.items.append(item)\n        return len(self.items)\n")
        #expect(program.hasPrefix("class Stack:\n    def __init__(self):"))
        #expect(program.contains("        return len(self.items)\n\n    def size(self):"))
    }

    @Test func cursorBelowTheLastMethodOfAClass() {
        let text = "class A:\n    def f(self):\n        \"\"\"Doc.\"\"\"\n\n\n"
        let context = python.context(in: text, line: 4, utf16Column: 0)
        #expect(context.kind == .method)
        #expect(context.startLine == 3)
        #expect(context.endLine == 5)
        #expect(context.programTail == "")
        let nested = python.context(in: "def outer():\n    def inner():\n        \"\"\"Doc.\"\"\"\n\n\n", line: 4, utf16Column: 0)
        #expect(nested.kind == .nestedFunction)
        #expect(nested.endLine == 5)
    }

    @Test func nestedFunctionIsUntestableWithAReason() {
        let text = "def outer(x):\n    def inner(y):\n        \"\"\"Add x.\"\"\"\n\n    return inner(1)\n"
        let context = python.context(in: text, line: 3, utf16Column: 8)
        #expect(context.kind == .nestedFunction)
        #expect(!context.isTestable)
        #expect(context.entryPoint == "inner")
        #expect(context.untestableReason?.contains("nested function 'inner' inside 'outer'") == true)
        #expect(context.startLine == 3)
        #expect(context.endLine == 4)
    }

    @Test func outsideAnyFunctionIsPlainWithAReason() {
        let text = "import os\n\nx = 1\n\n"
        let context = python.context(in: text, line: 3, utf16Column: 0)
        #expect(context.kind == .plain)
        #expect(!context.isTestable)
        #expect(context.untestableReason?.contains("not inside a function") == true)
        #expect(context.startLine == 3)
        #expect(context.endLine == 4)
    }

    @Test func blankLineAfterAFinishedFunctionIsOutsideIt() {
        let text = "def f():\n    return 1\n\n\n"
        let context = python.context(in: text, line: 3, utf16Column: 0)
        #expect(context.kind == .plain)
    }

    @Test func brokenDefinitionAboveIsLeftOutOfThePreamble() {
        let text = "def broken(x):\n    return x +\n\ndef ok():\n    return 2\n\ndef g():\n    \"\"\"Doc.\"\"\"\n"
        let context = python.context(in: text, line: 7, utf16Column: 0)
        #expect(context.entryPoint == "g")
        #expect(!context.preamble.contains("broken"))
        #expect(context.preamble.contains("def ok():"))
    }

    @Test func unfinishedSignatureIsPlain() {
        let context = python.context(in: "import os\n\ndef add(a, b\n", line: 2, utf16Column: 12)
        #expect(context.kind == .plain)
        #expect(context.untestableReason?.contains("signature of 'add' is not finished") == true)
    }

    @Test func cursorOnTheSignatureOfAnAsyncFunctionWithABodyReplacesTheBody() {
        let text = "async def fetch(n):\n    \"\"\"Doc.\"\"\"\n    x = n\n    return x\n\nfetch(1)\n"
        let context = python.context(in: text, line: 0, utf16Column: 3)
        #expect(context.kind == .function)
        #expect(context.entryPoint == "fetch")
        #expect(context.startLine == 2)
        #expect(context.endLine == 4)
        #expect(!context.bodyIsPlaceholder)
        #expect(python.context(in: "def f():\n    pass\n", line: 0, utf16Column: 0).bodyIsPlaceholder)
    }

    @Test func registryFindsLanguagesByIdAndExtension() {
        let registry = LanguageRegistry.standard
        #expect(registry.language(id: "python")?.languageId == "python")
        #expect(registry.language(languageId: "", uri: "file:///a/b.py")?.languageId == "python")
        #expect(registry.language(languageId: "rust", uri: "file:///a/b.rs") == nil)
        #expect(registry.language(fileExtension: ".PY")?.languageId == "python")
    }

    @Test func unsupportedLanguageGivesAPlainContextWithAReason() {
        let context = UnsupportedLanguage(languageId: "rust").context(in: "fn main() {\n\n}\n", line: 1, utf16Column: 0)
        #expect(context.kind == .plain)
        #expect(context.untestableReason?.contains("'rust' is not supported") == true)
    }
}
