import Foundation

/// One line of `$CASCADE_HOME/ledger.jsonl`: a finished cascade, or an accepted suggestion.
public struct LedgerEntry: Sendable, Equatable, Codable {
    public enum Event: String, Sendable, Codable {
        case cascade
        case accepted
    }

    public var event: Event
    /// Seconds since 1970.
    public var time: Double
    /// The report's id.
    public var id: String
    public var status: CascadeReport.Status?
    public var acceptedTier: String?
    public var spentUSD: Double
    public var baselineUSD: Double
    /// Spending per tier that ran in this cascade.
    public var tiers: [String: Double]

    public init(
        event: Event, time: Double, id: String, status: CascadeReport.Status? = nil,
        acceptedTier: String? = nil, spentUSD: Double = 0, baselineUSD: Double = 0, tiers: [String: Double] = [:]
    ) {
        self.event = event
        self.time = time
        self.id = id
        self.status = status
        self.acceptedTier = acceptedTier
        self.spentUSD = spentUSD
        self.baselineUSD = baselineUSD
        self.tiers = tiers
    }

    /// The ledger line for a finished cascade.
    public init(report: CascadeReport, time: Double = Date().timeIntervalSince1970) {
        var tiers: [String: Double] = [:]
        for tier in report.tiers { tiers[tier.name, default: 0] += tier.costUSD }
        self.init(
            event: .cascade, time: time, id: report.id, status: report.status, acceptedTier: report.acceptedTier,
            spentUSD: report.totalCostUSD, baselineUSD: report.baselineCostUSD, tiers: tiers
        )
    }
}

/// Totals over a set of ledger entries (a session, or the whole file).
public struct LedgerSummary: Sendable, Equatable, Codable {
    public struct TierTotals: Sendable, Equatable, Codable {
        /// Cascades in which this tier ran.
        public var requests: Int
        public var spentUSD: Double

        public init(requests: Int = 0, spentUSD: Double = 0) {
            self.requests = requests
            self.spentUSD = spentUSD
        }
    }

    /// Cascades finished.
    public var requests: Int
    public var spentUSD: Double
    /// What the last tier alone would have cost for the same requests.
    public var baselineUSD: Double
    /// `baselineUSD - spentUSD`: may be negative when escalation cost more than it saved.
    public var savedUSD: Double
    /// Suggestions the user accepted (`cascade.accepted`).
    public var accepted: Int
    public var byTier: [String: TierTotals]

    public init(requests: Int = 0, spentUSD: Double = 0, baselineUSD: Double = 0, savedUSD: Double = 0, accepted: Int = 0, byTier: [String: TierTotals] = [:]) {
        self.requests = requests
        self.spentUSD = spentUSD
        self.baselineUSD = baselineUSD
        self.savedUSD = savedUSD
        self.accepted = accepted
        self.byTier = byTier
    }

    /// Adds one entry to the totals.
    public mutating func add(_ entry: LedgerEntry) {
        switch entry.event {
        case .accepted:
            accepted += 1
        case .cascade:
            requests += 1
            spentUSD += entry.spentUSD
            baselineUSD += entry.baselineUSD
            savedUSD = baselineUSD - spentUSD
            for (tier, cost) in entry.tiers {
                byTier[tier, default: TierTotals()].requests += 1
                byTier[tier, default: TierTotals()].spentUSD += cost
            }
        }
    }

    public init(entries: some Sequence<LedgerEntry>) {
        self.init()
        for entry in entries { add(entry) }
    }
}
