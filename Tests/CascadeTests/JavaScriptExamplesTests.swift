import Foundation
import TestSupport
import Testing
@testable import Cascade

/// node on PATH, if any.
private let realNode: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
    return path.split(separator: ":").map { "\($0)/node" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

@Suite struct JavaScriptExamplesTests {
    let js = JavaScriptLanguage()

    /// The context of the function whose header line contains `header`.
    func context(_ text: String, _ header: String) throws -> CompletionContext {
        let line = try #require(SourceLines.split(text).firstIndex { $0.contains(header) })
        return js.context(in: text, line: line, utf16Column: nil)
    }

    static let clamp = """
        const LIMIT = 10;

        /**
         * Clamp x between lo and hi.
         * clamp(9, 0, 4) ==> 4
         * // clamp(10, 0, 4) => 4
         * @param {number} x
         * @example
         * clamp(5, 0, 3) // => 3
         * clamp(-1, 0, 3); // 0
         * clamp(2, 0, 3) === 2
         * console.log(clamp(7, 0, 5)) // 5
         * clamp(1.5, 0, 3)
         * // => 1.5
         * clamp(LIMIT, 0, 20) // => 10
         * clamp(
         *   30, 0, 20
         * ) // => 20
         * const y = 3;
         * clamp(y, 0, 1) // => 1
         * clamp(4, 0, 3) // returns the clamped number
         * clamp(5, 0, 3) // => 3
         * Math.max(clamp(1, 2, 3), 0) // => 2
         * @returns {number} the clamped value
         */
        function clamp(x, lo, hi) {
        }

        """

    @Test func anExampleBlockAndExampleLinesOfTheDocComment() throws {
        let examples = js.examples(in: try context(Self.clamp, "function clamp"))
        #expect(examples.map(\.test) == [
            "assert.strictEqual(clamp(9, 0, 4), 4);",
            "assert.strictEqual(clamp(10, 0, 4), 4);",
            "assert.strictEqual(clamp(5, 0, 3), 3);",
            "assert.strictEqual(clamp(-1, 0, 3), 0);",
            "assert.strictEqual(clamp(2, 0, 3), 2);",
            "assert.strictEqual(clamp(7, 0, 5), 5);",
            "assert.ok(Math.abs(clamp(1.5, 0, 3) - (1.5)) < 5e-2);",
            "assert.strictEqual(clamp(LIMIT, 0, 20), 10);",
            "assert.strictEqual(clamp(30, 0, 20), 20);",
        ])
        #expect(examples.first == UserExample(call: "clamp(9, 0, 4)", expected: "4", test: "assert.strictEqual(clamp(9, 0, 4), 4);"))
    }

    @Test func arraysAndObjectsAreComparedDeeply() throws {
        let text = """
            /**
             * Counts of each word.
             * @example
             * tally('a b a') // => { a: 2, b: 1 }
             * tally('') // => {}
             * tally("x")
             * // => {"x": 1}
             * words('a b') // => ['a', 'b']
             * @example tally('c'); // { c: 1 }
             */
            export function tally(text) {
              throw new Error('not implemented');
            }

            """
        #expect(js.examples(in: try context(text, "function tally")).map(\.test) == [
            "assert.deepStrictEqual(tally('a b a'), { a: 2, b: 1 });",
            "assert.deepStrictEqual(tally(''), {});",
            #"assert.deepStrictEqual(tally("x"), {"x": 1});"#,
            "assert.deepStrictEqual(tally('c'), { c: 1 });",
        ])
    }

    @Test func proseAndUnknownNamesAreSkipped() throws {
        let text = """
            /**
             * Doubles n.
             * double(n) => twice n
             * double(2) === four
             * double(3) ==> 6 // six
             * e.g. double(4) -> 8
             * double(5) => double(4) + 2
             * double(6) => [1, 2, ...rest]
             */
            function double(n) {}

            """
        #expect(js.examples(in: try context(text, "function double")).map(\.test) == [
            "assert.strictEqual(double(3), 6);", "assert.strictEqual(double(4), 8);",
        ])
    }

    static let counter = """
        class Counter {
          constructor(start = 0) {
            this.n = start;
          }

          /**
           * Add by and return the total.
           * @example
           * new Counter(2).bump(3) // => 5
           * const c = new Counter();
           * c.bump(1) // => 1
           * bump(4) // => 4
           */
          bump(by) {
          }
        }

        """

    @Test func aMethodsExamplesCountWhenTheyConstructTheClass() throws {
        let context = try context(Self.counter, "bump(by)")
        #expect(context.kind == .method)
        #expect(js.examples(in: context).map(\.test) == ["assert.strictEqual(new Counter(2).bump(3), 5);"])
    }

    @Test func nothingWithoutADocComment() throws {
        #expect(js.examples(in: try context("function f(x) {\n}\n", "function f")).isEmpty)
    }

    /// The examples run by a real node against a correct implementation, as the sandbox runs tests.
    @Test(.enabled(if: realNode != nil, "node not found on PATH")) func theExamplesRunOnACorrectImplementation() async throws {
        let clamp = try context(Self.clamp, "function clamp")
        let counter = try context(Self.counter, "bump(by)")
        let program = "const assert = require('node:assert');\n"
            + clamp.program(withBody: "  return Math.min(Math.max(x, lo), hi);\n")
            + js.examples(in: clamp).map(\.test).joined(separator: "\n") + "\n"
            + counter.program(withBody: "    this.n += by;\n    return this.n;\n")
            + js.examples(in: counter).map(\.test).joined(separator: "\n") + "\n"
        let outcome = try await ChildCommand.run(realNode!, ["-e", program])
        #expect(outcome.status == 0, "\(program)\n\(outcome.standardError)")
    }
}
