/// Runs `body` for every index in `0..<count`, at most `width` at once, and returns the
/// results in index order. `finished` is told, after each completion, how many are done.
///
/// The sandbox's solutions, a local server's k calls and tuning's problems all need this
/// bounded fan-out; the first error cancels the rest and is thrown.
public func concurrentMap<Value: Sendable>(
    count: Int, width: Int, finished: (Int) -> Void = { _ in },
    _ body: @escaping @Sendable (Int) async throws -> Value
) async throws -> [Value] {
    var results = [Value?](repeating: nil, count: count)
    try await withThrowingTaskGroup(of: (Int, Value).self) { group in
        var next = 0
        func startNext() {
            let index = next
            next += 1
            group.addTask { (index, try await body(index)) }
        }
        while next < min(max(width, 1), count) { startNext() }
        var done = 0
        while let (index, value) = try await group.next() {
            results[index] = value
            done += 1
            finished(done)
            if next < count { startNext() }
        }
    }
    return results.map { $0! }
}
