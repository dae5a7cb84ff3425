/// Raw outputs in the shapes Qwen2.5-Coder 0.5B/1.5B produce: fenced and
/// unfenced, prose around the code, the header repeated, example usage and wrong asserts
/// appended, tabs, a cut-off closing fence.
enum ModelOutputCorpus {
    /// Context for the solutions below.
    static let document = """
        from typing import List


        def has_close_elements(numbers: List[float], threshold: float) -> bool:
            \"\"\"Check if any two numbers are closer to each other than the threshold.
            >>> has_close_elements([1.0, 2.0, 3.0], 0.5)
            False
            \"\"\"

        """

    static let fencedWithProseAndExample = """
        Here is the implementation of the function:

        ```python
        from typing import List


        def has_close_elements(numbers: List[float], threshold: float) -> bool:
            \"\"\"Check if any two numbers are closer to each other than the threshold.
            >>> has_close_elements([1.0, 2.0, 3.0], 0.5)
            False
            \"\"\"
            for i in range(len(numbers)):
                for j in range(i + 1, len(numbers)):
                    if abs(numbers[i] - numbers[j]) < threshold:
                        return True
            return False


        # Example usage
        print(has_close_elements([1.0, 2.0, 3.0], 0.5))
        assert has_close_elements([1.0, 2.8, 3.0], 0.3) == False
        ```

        This function compares every pair of numbers.
        """

    /// The stop sequence `"\n```\n"` cut the closing fence off.
    static let unclosedFence = """
        ```python
        def has_close_elements(numbers: List[float], threshold: float) -> bool:
            sorted_numbers = sorted(numbers)
            for a, b in zip(sorted_numbers, sorted_numbers[1:]):
                if b - a < threshold:
                    return True
            return False
        """

    static let unfencedWithMainBlock = """
        import itertools

        def has_close_elements(numbers, threshold):
            return any(abs(a - b) < threshold for a, b in itertools.combinations(numbers, 2))

        if __name__ == "__main__":
            print(has_close_elements([1.0, 2.0], 0.5))
            assert has_close_elements([1.0, 1.1], 0.5)
        """

    static let tabsAndHelper = "```python\ndef _distance(a, b):\n\treturn abs(a - b)\n\n\ndef has_close_elements(numbers, threshold):\n\tfor i, a in enumerate(numbers):\n\t\tfor b in numbers[i + 1:]:\n\t\t\tif _distance(a, b) < threshold:\n\t\t\t\treturn True\n\treturn False\n```"

    /// The header repeated twice, the first time as a stub.
    static let repeatedHeader = """
        ```python
        def has_close_elements(numbers: List[float], threshold: float) -> bool:
            \"\"\"Check if any two numbers are closer to each other than the threshold.\"\"\"
            pass
        ```
        The implementation:
        ```python
        def has_close_elements(numbers: List[float], threshold: float) -> bool:
            \"\"\"Check if any two numbers are closer to each other than the threshold.\"\"\"
            return any(abs(x - y) < threshold for i, x in enumerate(numbers) for y in numbers[i + 1:])
        ```
        """

    static let bodyOnly = "```python\n    return len(set(numbers)) < len(numbers)\n```"

    static let onlyProse = "I'm sorry, I cannot determine what the function should do."

    /// Truncated by max_tokens in the middle of an expression.
    static let truncated = "```python\ndef has_close_elements(numbers, threshold):\n    return any(abs(a - b) < threshold for a, b in zip(numbers,\n"

    // MARK: Test samples

    static let testsFencedWithWrongAndExtra = """
        ```python
        assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False
        assert has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3) == True  # 2.8 and 3.0
        assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False
        assert has_close_elements([], 1.0) == True
        result = has_close_elements([1.0], 1.0)
        assert result == False
        assert has_close_elements([1.0, 1.5], 0.6 ==
        assert has_close_elements([5.0, 5.05],
                                  0.1) == True
        assert has_close_elements([0.0, 10.0], 1.0) == False
        ```
        """

    static let testsInsideTestFunctionWithTabs = "def test_has_close_elements():\n\tassert has_close_elements([1.0, 2.0], 1.5) == True\n\tassert other_function(1) == 2\n\n\ntest_has_close_elements()\nprint('All tests passed!')\n"

    static let testsUnittestClass = """
        ```python
        import unittest

        class TestHasCloseElements(unittest.TestCase):
            def test_close(self):
                self.assertEqual(has_close_elements([1.0, 1.05], 0.1), True)
                self.assertTrue(has_close_elements([2.0, 2.01, 9.0], 0.1))
                self.assertFalse(has_close_elements([1.0, 5.0], 0.5), "far apart")

        if __name__ == '__main__':
            unittest.main()
        ```
        """

    static let testsMethod = """
        ```python
        assert Stack().push(1) == 1
        s = Stack()
        assert s.push(2) == 1
        assert Stack().size() == 0
        ```
        """
}
