/// Thrown by `withDeadline` when the operation did not finish in time.
struct DeadlineExceeded: Error {}

/// Runs `operation`, cancelling it (and throwing `DeadlineExceeded`) after `seconds`.
///
/// Cancellation of the caller cancels the operation too; then `CancellationError` is thrown.
func withDeadline<T: Sendable>(
    seconds: Double,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        do {
            guard let first = try await group.next() else { throw CancellationError() }
            if let value = first { return value }
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
        if Task.isCancelled { throw CancellationError() }
        throw DeadlineExceeded()
    }
}
