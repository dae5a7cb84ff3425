import Dispatch
import Foundation

/// The running totals of a session, mirrored to the ledger file.
///
/// `record` updates the totals at once and queues the file append on a serial queue,
/// so answering the editor never waits for `fsync`; `flush()` waits for the queue.
public actor Ledger {
    public let file: LedgerFile?
    private var session = LedgerSummary()
    /// Totals over the file and this session, read from the file on first use.
    private var allTimeCache: LedgerSummary?
    private let diskQueue = DispatchQueue(label: "cascade.ledger.disk")
    private let reportFailure: @Sendable (String) -> Void

    /// - Parameters:
    ///   - file: where to append; nil keeps the ledger in memory only.
    ///   - reportFailure: called (once per failing write) with a message for the user.
    public init(file: LedgerFile?, reportFailure: @escaping @Sendable (String) -> Void = { _ in }) {
        self.file = file
        self.reportFailure = reportFailure
    }

    /// Adds a finished cascade to the session and appends it to the file.
    /// - Returns: the session's totals with it.
    @discardableResult
    public func record(_ report: CascadeReport) -> LedgerSummary {
        append(LedgerEntry(report: report))
        return session
    }

    /// What a cancelled cascade spent before it stopped, when it called a model at all: the
    /// money is spent whether or not anyone still wants the answer.
    public func record(_ cancelled: CancelledCascade) {
        if !cancelled.report.tiers.isEmpty { record(cancelled.report) }
    }

    /// Counts one accepted suggestion.
    public func recordAcceptance(reportID: String) {
        append(LedgerEntry(event: .accepted, time: Date().timeIntervalSince1970, id: reportID))
    }

    /// Totals since this ledger was created.
    public func summary() -> LedgerSummary { session }

    /// Totals over everything in the file (earlier sessions included); the file is read once.
    public func allTime() -> LedgerSummary {
        if let allTimeCache { return allTimeCache }
        guard let file else { return session }
        diskQueue.sync {}  // this session's queued lines are in the file before it is read
        let total = LedgerSummary(entries: file.read().entries)
        allTimeCache = total
        return total
    }

    /// Waits until every queued line is on disk.
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            diskQueue.async { continuation.resume() }
        }
    }

    private func append(_ entry: LedgerEntry) {
        session.add(entry)
        allTimeCache?.add(entry)
        guard let file else { return }
        let reportFailure = self.reportFailure
        diskQueue.async {
            do {
                try file.append(entry)
            } catch {
                reportFailure("\(error)")
            }
        }
    }
}
