/// Waits, polling every 5 ms, until `condition` holds: for what the fake servers record on
/// their own threads (a request arriving, a socket closed), a moment after the client is
/// done. Returns as soon as it holds; the limit only leaves room for a loaded 2-core machine
/// whose cooperative pool is shared with other suites.
func eventually(seconds: Double = 20, _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while !condition() {
        if ContinuousClock.now > deadline { return false }
        try await Task.sleep(for: .milliseconds(5))
    }
    return true
}
