import Cascade
import JSONRPC

/// What goes with every completion, built as JSON directly: these are sent once per
/// cascade, and going through `JSONEncoder` and back would double the server's own time.
extension JSONValue {
    init(_ position: Position) {
        self = ["line": .int(position.line), "character": .int(position.character)]
    }

    init(_ badge: Badge) {
        self = ["text": .string(badge.text), "severity": .string(badge.severity.rawValue)]
    }

    init(_ summary: LedgerSummary) {
        var byTier: [String: JSONValue] = [:]
        for (tier, totals) in summary.byTier {
            byTier[tier] = ["requests": .int(totals.requests), "spentUSD": .double(totals.spentUSD)]
        }
        self = [
            "requests": .int(summary.requests), "spentUSD": .double(summary.spentUSD),
            "baselineUSD": .double(summary.baselineUSD), "savedUSD": .double(summary.savedUSD),
            "accepted": .int(summary.accepted), "byTier": .object(byTier),
        ]
    }
}
