/// The function `cascade demo` completes: small enough for a 0.5B model, with a docstring
/// whose examples both the solutions and the model-written tests can be checked against.
enum DemoExample {
    static let fileName = "running_max.py"
    /// 1-based line of the signature.
    static let line = 1
    static let source = #"""
    def running_max(numbers: list[int]) -> list[int]:
        """Return the running maximum of `numbers`: element i is max(numbers[:i + 1]).

        >>> running_max([1, 3, 2, 5, 4])
        [1, 3, 3, 5, 5]
        >>> running_max([])
        []
        """

    """#
}
