import Testing
@testable import Cascade

@Suite struct JavaScriptContextTests {
    let js = JavaScriptLanguage()

    static let document = """
        const { sum } = require('./math');
        import path from 'node:path';

        const LIMIT = 10;

        function helper(x) {
          return x * 2;
        }

        /**
         * Return the sum of a and b.
         * @param {number} a
         * @param {number} b
         */
        function add(a, b) {
          // TODO
        }

        console.log(add(1, 2));

        """

    @Test func jsDocFunctionWithACommentBodyIsAFunctionWithItsPreamble() {
        let context = js.context(in: Self.document, line: 15, utf16Column: 2)
        #expect(context.kind == .function)
        #expect(context.isTestable)
        #expect(context.entryPoint == "add")
        #expect(context.signature == "function add(a, b) {")
        #expect(context.docstring?.hasPrefix("/**\n * Return the sum of a and b.") == true)
        #expect(context.bodyIndent == "  ")
        #expect(context.startLine == 15)
        #expect(context.endLine == 16)
        #expect(context.bodyIsPlaceholder)
        #expect(context.completionLead == "")
        #expect(context.preamble.contains("const { sum } = require('./math');"))
        #expect(context.preamble.contains("const path = require('node:path');"))
        #expect(context.preamble.contains("const LIMIT = 10;"))
        #expect(context.preamble.contains("function helper(x) {"))
        #expect(!context.preamble.contains("console.log"))
        #expect(context.program(withBody: "  return a + b;\n").hasSuffix("function add(a, b) {\n  return a + b;\n}\n"))
        #expect(context.promptCode.contains(" * Return the sum of a and b."))
        #expect(context.promptTail == "}\n")
        #expect(context.suffix.hasPrefix("}\n\nconsole.log"))
    }

    @Test func cursorOnTheDocCommentOrSignatureFindsTheFunction() {
        #expect(js.context(in: Self.document, line: 10, utf16Column: 0).entryPoint == "add")
        #expect(js.context(in: Self.document, line: 14, utf16Column: 0).entryPoint == "add")
    }

    @Test func emptyBracesOnOneLineAreRewrittenWithTheirHeader() {
        let text = "export function add(a, b) {}\n"
        let context = js.context(in: text, line: 0, utf16Column: 28)
        #expect(context.kind == .function)
        #expect(context.startLine == 0 && context.endLine == 1)
        #expect(context.completionLead == "export function add(a, b) {\n")
        #expect(context.bodyIsPlaceholder)
        #expect(context.program(withBody: "  return a + b;\n") == "function add(a, b) {\n  return a + b;\n}\n")
        let candidate = js.extractSolution(from: "```js\nfunction add(a, b) {\n  return a + b;\n}\n```", for: context)
        #expect(candidate?.completion == "export function add(a, b) {\n  return a + b;\n}\n")
    }

    @Test func asyncAndExportAndArrowAndFunctionExpressions() {
        let text = """
            export async function load(url) {
              throw new Error('not implemented');
            }

            const double = (x) => {
            };

            export const triple = function (x) {
              return x * 3;
            };

            const square = async x => {
            }

            """
        let load = js.context(in: text, line: 1, utf16Column: 2)
        #expect(load.kind == .function && load.entryPoint == "load" && load.bodyIsPlaceholder)
        #expect(load.startLine == 1 && load.endLine == 2)
        #expect(load.programHead == "async function load(url) {\n")
        let double = js.context(in: text, line: 4, utf16Column: 0)
        #expect(double.kind == .function && double.entryPoint == "double")
        #expect(double.startLine == 5 && double.endLine == 5)
        #expect(double.programTail == "};\n")
        let triple = js.context(in: text, line: 8, utf16Column: 0)
        #expect(triple.entryPoint == "triple" && !triple.bodyIsPlaceholder)
        #expect(triple.startLine == 8 && triple.endLine == 9)
        #expect(triple.programHead.hasSuffix("const triple = function (x) {\n"))
        let square = js.context(in: text, line: 12, utf16Column: 0)
        #expect(square.entryPoint == "square" && square.kind == .function)
    }

    @Test func classMethodIsTestedByConstructingTheClass() {
        let text = """
            class Counter {
              constructor(start) {
                this.value = start;
              }

              /** Add n and return the new value. */
              increment(n) {
              }
            }

            """
        let context = js.context(in: text, line: 6, utf16Column: 0)
        #expect(context.kind == .method)
        #expect(context.isTestable)
        #expect(context.entryPoint == "increment")
        #expect(context.className == "Counter")
        #expect(context.bodyIndent == "    ")
        #expect(context.startLine == 7 && context.endLine == 7)
        #expect(context.program(withBody: "    this.value += n;\n    return this.value;\n")
            == "class Counter {\n  constructor(start) {\n    this.value = start;\n  }\n\n  /** Add n and return the new value. */\n  increment(n) {\n    this.value += n;\n    return this.value;\n  }\n}\n")
        #expect(context.promptTail == "  }\n}\n")
    }

    @Test func nestedFunctionsAccessorsAndTopLevelCodeAreNotTestable() {
        let text = """
            function outer(xs) {
              function inner(x) {
              }
              return xs.map(inner);
            }

            class Box {
              get size() {
              }
            }

            const x = 1;

            """
        let nested = js.context(in: text, line: 2, utf16Column: 0)
        #expect(nested.kind == .nestedFunction && !nested.isTestable)
        #expect(nested.entryPoint == "inner")
        #expect(nested.untestableReason?.contains("nested function 'inner' inside 'outer'") == true)
        let accessor = js.context(in: text, line: 8, utf16Column: 0)
        #expect(!accessor.isTestable)
        #expect(accessor.untestableReason?.contains("accessor 'size'") == true)
        let outside = js.context(in: text, line: 11, utf16Column: 0)
        #expect(outside.kind == .plain)
        #expect(outside.untestableReason == JavaScriptContextFinder.outsideReason)
    }

    @Test func stringsCommentsTemplatesAndRegexesDoNotConfuseTheBraces() {
        let text = """
            function tricky(s) {
              const a = "}{ function fake() {";
              const b = `${s.replace(/[{}]/g, '')} }`; // } comment {
              /* } */
              return a + b;
            }
            function after(y) {
            }

            """
        let context = js.context(in: text, line: 7, utf16Column: 0)
        #expect(context.entryPoint == "after")
        #expect(context.startLine == 7 && context.endLine == 7)
        #expect(context.preamble.contains("function tricky(s) {"))
    }

    @Test func syntaxCheckProgramWrapsTheCompletionWithoutRunningIt() {
        let text = "function outer() {\n  function inner() {\n  }\n}\n"
        let context = js.context(in: text, line: 2, utf16Column: 0)
        let program = js.syntaxCheckProgram(for: "    return 1;\n", in: context)
        #expect(program == "(function () {\nfunction outer() {\n  function inner() {\n    return 1;\n  }\n}\n\n});\n")
    }

    @Test func theRegistryFindsJavaScriptByIdAndExtension() {
        #expect(LanguageRegistry.standard.language(id: "javascript")?.languageId == "javascript")
        #expect(LanguageRegistry.standard.language(languageId: "", uri: "file:///x/y.mjs")?.languageId == "javascript")
        #expect(LanguageRegistry.standard.supportedIds == ["python", "javascript"])
    }
}
