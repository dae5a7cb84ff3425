/// Raw JavaScript outputs in the shapes small code models produce: fenced (```javascript,
/// ```js) or not, prose around the code, the JSDoc and signature repeated, example calls,
/// `console.log`, `module.exports` and wrong asserts appended, arrow functions, helpers.
enum JavaScriptOutputCorpus {
    /// Context for the solutions below (the cursor is on line 7, inside the body).
    static let document = """
        const assert = require('node:assert');

        /**
         * Return true if any two numbers are closer to each other than threshold.
         * @param {number[]} numbers
         * @param {number} threshold
         */
        function hasCloseElements(numbers, threshold) {
        }

        """

    static let fencedWithProseAndExample = """
        Here is the implementation of the function:

        ```javascript
        /**
         * Return true if any two numbers are closer to each other than threshold.
         * @param {number[]} numbers
         * @param {number} threshold
         */
        function hasCloseElements(numbers, threshold) {
          for (let i = 0; i < numbers.length; i++) {
            for (let j = i + 1; j < numbers.length; j++) {
              if (Math.abs(numbers[i] - numbers[j]) < threshold) {
                return true;
              }
            }
          }
          return false;
        }

        // Example usage:
        console.log(hasCloseElements([1.0, 2.0, 3.0], 0.5)); // false
        assert.strictEqual(hasCloseElements([1.0, 2.8, 3.0], 0.3), true);
        module.exports = hasCloseElements;
        ```

        This function compares every pair of numbers.
        """

    static let unfencedWithHelperAndRequire = """
        const _ = require('lodash');

        function distance(a, b) {
          return Math.abs(a - b);
        }

        function hasCloseElements(numbers, threshold) {
          const sorted = [...numbers].sort((a, b) => a - b);
          return sorted.some((x, i) => i > 0 && distance(x, sorted[i - 1]) < threshold);
        }

        hasCloseElements([1, 2], 0.5);
        """

    static let arrowExpression = """
        ```js
        const hasCloseElements = (numbers, threshold) =>
          numbers.some((a, i) => numbers.some((b, j) => i !== j && Math.abs(a - b) < threshold));
        ```
        """

    static let repeatedSignatureStubThenImplementation = """
        ```javascript
        function hasCloseElements(numbers, threshold) {
          // your code here
        }
        ```

        Solution:

        ```javascript
        export function hasCloseElements(numbers, threshold) {
        \tconst seen = new Set(numbers);
        \treturn seen.size < numbers.length || numbers.some((a) => numbers.some((b) => a !== b && Math.abs(a - b) < threshold));
        }
        ```
        """

    static let bodyOnly = """
        ```javascript
          return new Set(numbers).size < numbers.length;
        ```
        """

    static let unclosedFence = """
        ```javascript
        function hasCloseElements(numbers, threshold) {
          const sorted = numbers.slice().sort((a, b) => a - b);
          for (let i = 1; i < sorted.length; i++) {
            if (sorted[i] - sorted[i - 1] < threshold) return true;
          }
          return false;
        }
        """

    static let proseOnly = "I'm sorry, I cannot help with that without more information about the numbers."

    static let tests = """
        Here are some tests:

        ```javascript
        const assert = require('assert');
        const { hasCloseElements } = require('./solution');

        assert.strictEqual(hasCloseElements([1.0, 2.0, 3.0], 0.5), false); // no close pair
        assert.strictEqual(hasCloseElements([1.0, 2.8, 3.0, 4.0], 0.3), true);
        assert.strictEqual(hasCloseElements([1.0,2.0,3.0], 0.5), false);
        assert.deepStrictEqual(
          hasCloseElements([], 1),
          false
        );
        assert.ok(hasCloseElements([5, 5], 0.1));
        console.log(hasCloseElements([1, 2], 3));
        assert.strictEqual(somethingElse(1), 2);
        assert.strictEqual(hasCloseElements([1, 2], 0.5), false
        expect(hasCloseElements([1, 1.05], 0.1)).toBe(true);
        console.assert(hasCloseElements([0, 10], 1) === false);
        ```
        """
}
