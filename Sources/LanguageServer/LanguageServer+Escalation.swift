import Cascade
import JSONRPC

/// Automatic requests show only verified code. When the first tier of an automatic request
/// does not pass, its unverified code is not shown; the full cascade goes on in the
/// background for the same function instead, and the engine's cache serves its verified
/// answer to the next request. One background cascade per document: a newer one for a
/// changed function replaces it, closing the document or shutting down cancels it.
extension LanguageServer {
    /// A full cascade running in the background for one document.
    struct BackgroundEscalation {
        /// The function it completes (its cache identity).
        var function: CompletionCacheKey
        var task: Task<Void, Never>
    }

    /// Starts the full cascade for `function` (the one `cascade` completed) unless it already runs.
    func escalateInBackground(_ cascade: PreparedCascade, function: CompletionCacheKey?) {
        let uri = cascade.document.uri
        guard let function else { return }
        if let running = escalations[uri], running.function == function { return }
        escalations[uri]?.task.cancel()
        var full = cascade
        full.request.mode = .full
        let ledger = self.ledger
        escalations[uri] = BackgroundEscalation(function: function, task: Task {
            do {
                let result = try await full.engine.complete(full.request) { _ in }
                await ledger.record(result.report)
                self.notifyReport((try? JSONValue(encoding: result.report)) ?? .null, of: full)
            } catch let cancelled as CancelledCascade {
                await ledger.record(cancelled)
            } catch {
                self.log("background escalation for \(uri) failed: \(error)")
            }
            self.escalationEnded(uri: uri, function: function)
        })
    }

    func cancelEscalation(uri: String) {
        escalations.removeValue(forKey: uri)?.task.cancel()
    }

    private func escalationEnded(uri: String, function: CompletionCacheKey) {
        if escalations[uri]?.function == function { escalations[uri] = nil }
    }
}
