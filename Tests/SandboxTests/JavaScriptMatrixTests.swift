import Cascade
import Foundation
import Sandbox
import Testing

/// The Node runner fills the same matrices as the Python one, in the same protocol.
@Suite("JavaScript pass matrices", .timeLimit(.minutes(1)), .enabled(if: JavaScriptFixtures.nodeWorks, "node (Node.js 20) is not usable here"))
struct JavaScriptMatrixTests {
    static let add = "function add(a, b) {\n  return a + b;\n}\n"
    static let addTests = ["assert.strictEqual(add(1, 2), 3);", "assert.strictEqual(add(-1, 1), 0);", "assert.strictEqual(add(2, 2), 4);"]

    @Test("correct solutions against correct tests give an all-pass matrix")
    func allPass() async throws {
        let matrix = try await JavaScriptFixtures.run([Self.add, "const add = (a, b) => [a, b].reduce((x, y) => x + y, 0);\n"], Self.addTests)
        #expect(matrix.outcomes == Array(repeating: Array(repeating: .pass, count: 3), count: 2))
        #expect(matrix.loadErrors == [nil, nil])
    }

    @Test("partial correctness gives the exact partial matrix")
    func exactPartialMatrix() async throws {
        let solutions = [
            Self.add,
            "function add(a, b) { return a * b; }",                      // right only for 2 + 2
            "function add(a, b) { return a < 0 ? a - b : a + b; }",      // wrong for -1 + 1
            "function add(a, b) { return Number(String(a) + String(b)); }", // 12, -11, 22
        ]
        let matrix = try await JavaScriptFixtures.run(solutions, Self.addTests)
        #expect(matrix.outcomes == [
            [.pass, .pass, .pass],
            [.fail, .fail, .pass],
            [.pass, .fail, .pass],
            [.fail, .fail, .fail],
        ])
    }

    @Test("errors carry their type; deepStrictEqual, ok, await and classes work")
    func typedErrorsAndShapes() async throws {
        let solution = """
            class Stack {
              constructor() { this.items = []; }
              push(x) { this.items.push(x); return this; }
              toArray() { return [...this.items]; }
            }
            async function later(x) { await new Promise((r) => setTimeout(r, 5)); return x * 2; }
            """
        let tests = [
            "assert.deepStrictEqual(new Stack().push(1).push(2).toArray(), [1, 2]);",
            "assert.ok(new Stack().toArray().length === 0);",
            "assert.strictEqual(await later(21), 42);",
            "assert.strictEqual(missing(1), 1);",
            "null.x;",
            "assert.strictEqual(new Stack().push(1).toArray(), [1]);",
        ]
        let matrix = try await JavaScriptFixtures.run([solution], tests)
        #expect(matrix.outcomes == [[.pass, .pass, .pass, .error("ReferenceError"), .error("TypeError"), .fail]])
    }

    @Test("a syntax error in the solution is a load error for every test; zero tests syntax-checks")
    func syntaxErrors() async throws {
        let matrix = try await JavaScriptFixtures.run(["function add(a, b) {\n  return a +\n", Self.add], Self.addTests)
        #expect(matrix.outcomes[0] == Array(repeating: .error("SyntaxError"), count: 3))
        #expect(matrix.loadErrors[0]?.hasPrefix("SyntaxError") == true)
        #expect(matrix.outcomes[1] == [.pass, .pass, .pass])
        let check = try await JavaScriptFixtures.run(["(function () {\nfunction f() { return 1; }\n});\n", "(function () {\nfunction f() { return ; ) }\n});\n"], [])
        #expect(check.loadErrors[0] == nil)
        #expect(check.loadErrors[1]?.hasPrefix("SyntaxError") == true)
    }

    @Test("a syntax error in one test is that test's error only")
    func testSyntaxError() async throws {
        let matrix = try await JavaScriptFixtures.run([Self.add], ["assert.strictEqual(add(1, 2), 3);", "assert.strictEqual(add(1,", "assert.strictEqual(add(2, 2), 4);"])
        #expect(matrix.outcomes == [[.pass, .error("SyntaxError"), .pass]])
    }

    @Test("deep recursion is a RangeError of that test only")
    func deepRecursion() async throws {
        let matrix = try await JavaScriptFixtures.run(["function add(a, b) { return add(a, b); }"], ["assert.strictEqual(add(1, 2), 3);", "assert.ok(true);"])
        #expect(matrix.outcomes == [[.error("RangeError"), .pass]])
    }
}
