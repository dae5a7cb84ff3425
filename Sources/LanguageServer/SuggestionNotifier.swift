import Cascade
import JSONRPC

/// Progressive suggestions: while an inline completion's cascade runs, the client sees
/// each candidate the moment it is written, marked as being tested, and then the verdict.
///
/// Sent as `cascade/suggestion` notifications, only to clients that ask for them with
/// `capabilities.experimental.cascadeSuggestions: true` (the server announces the same key);
/// every other client receives only the request's one final answer. Params:
///
///     { "id": <the inlineCompletion request's id>, "uri", "position",
///       "state": "testing" | "passed" | "cached" | "unverified" | "failed" | "escalating",
///       "tier": "small", "candidate": 1,
///       "item": { "insertText", "range" } | null,
///       "badge": { "text": "testing… · small", "severity": "info" | "ok" | "warning" | "error" },
///       "report": <CascadeReport, final states only> }
///
/// A request's last notification (a final state) is sent just before its response; none is
/// sent for a cancelled or superseded request, whose -32800 answer says it all.
/// "escalating" ends an automatic request whose first tier did not pass: nothing is shown
/// (`item` is null) while the full cascade runs in the background.
struct SuggestionNotifier: Sendable {
    let connection: JSONRPCConnection
    let requestID: RequestID
    let document: TextDocument
    let encoding: PositionEncoding
    let position: Position

    /// A candidate is being tested: show it with the testing mark.
    func candidate(_ preview: CandidatePreview, imports: ModuleImportInsertion?) {
        let edits = CompletionEdits(
            document: document, encoding: encoding, cursor: position, startLine: preview.startLine,
            endLine: preview.endLine, text: preview.completion, imports: imports)
        let badge = Badge(text: "testing… · \(preview.tier)\(preview.index > 0 ? " · candidate \(preview.index + 1)" : "")", severity: .info)
        send(state: "testing", tier: preview.tier, candidate: preview.index + 1, edits: edits, badge: JSONValue(badge), report: nil)
    }

    /// The cascade ended: the verdict, with the answer that replaces the candidate shown (the
    /// report and its badge as the answer carries them).
    func verdict(_ report: CascadeReport, reportJSON: JSONValue, badgeJSON: JSONValue, edits: CompletionEdits?) {
        send(state: report.status.rawValue, tier: report.acceptedTier, candidate: nil, edits: edits, badge: badgeJSON, report: reportJSON)
    }

    /// An automatic request's first tier did not pass: nothing to show; the larger tiers
    /// run in the background and their verified answer comes from the cache next time.
    func escalating(_ report: CascadeReport) {
        let badge = Badge(text: "? \(report.acceptedTier ?? "first tier") unverified · asking the larger models in the background", severity: .info)
        send(state: "escalating", tier: report.acceptedTier, candidate: nil, edits: nil, badge: JSONValue(badge), report: nil)
    }

    private func send(state: String, tier: String?, candidate: Int?, edits: CompletionEdits?, badge: JSONValue, report: JSONValue?) {
        var params: [String: JSONValue] = [
            "id": requestID.json,
            "uri": .string(document.uri),
            "position": JSONValue(position),
            "state": .string(state),
            "tier": tier.map(JSONValue.string) ?? .null,
            "item": edits.map { edits in
                let edit = edits.inlineEdit
                return (try? JSONValue(encoding: InlineSuggestionItem(insertText: edit.newText, range: edit.range))) ?? .null
            } ?? .null,
            "badge": badge,
        ]
        if let candidate { params["candidate"] = .int(candidate) }
        if let report { params["report"] = report }
        connection.notify(LSPMethod.cascadeSuggestion, .object(params))
    }
}

/// The text and range of a suggestion, as an inline completion item has them.
private struct InlineSuggestionItem: Encodable {
    var insertText: String
    var range: TextRange
}
