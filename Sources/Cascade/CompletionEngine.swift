/// The engine as the language server and the command line see it.
public protocol CompletionEngine: Sendable {
    /// Runs one cascade for the function at `request`'s position.
    ///
    /// - Parameter progress: called for every step (generating, testing, escalating);
    ///   called from any task, never after this function returns.
    /// - Throws: `CancelledCascade`, with what was spent, when the task is cancelled (every
    ///   model call and test process of the request stopped first); other errors only for bad input.
    func complete(
        _ request: CompletionRequest,
        progress: @escaping @Sendable (CascadeProgress) -> Void
    ) async throws -> CompletionResult
}

public struct CompletionRequest: Sendable, Equatable {
    public enum Mode: String, Sendable, Codable {
        /// Every tier as needed: what an invoked completion runs.
        case full
        /// A cached verified answer if there is one, else only the first tier (automatic trigger).
        case firstTier
    }

    /// The whole document.
    public var text: String
    /// 0-based line of the cursor.
    public var line: Int
    /// 0-based column of the cursor in UTF-16 code units.
    public var utf16Column: Int
    /// LSP language id (`"python"`), or derived from the file extension.
    public var languageId: String
    public var uri: String?
    public var mode: Mode

    public init(text: String, line: Int, utf16Column: Int, languageId: String, uri: String? = nil, mode: Mode = .full) {
        self.text = text
        self.line = line
        self.utf16Column = utf16Column
        self.languageId = languageId
        self.uri = uri
        self.mode = mode
    }
}

/// A finished cascade: what to insert where, and the report.
public struct CompletionResult: Sendable, Equatable {
    public var report: CascadeReport
    /// Lines `startLine..<endLine` (0-based) of the document are replaced by `report.completion`.
    /// For an empty body `startLine == endLine` (an insertion before that line).
    public var startLine: Int
    public var endLine: Int
    /// True when first-tier mode ended unverified before larger tiers that might pass:
    /// what the full cascade would go on to ask.
    public var largerTiersRemain: Bool
    /// The function completed, as the cache tells functions apart (its key under this
    /// configuration); nil for plain code. A caller that runs the full cascade later (in the
    /// background) knows by it which function that is, without looking for it again.
    public var function: CompletionCacheKey?

    public init(report: CascadeReport, startLine: Int, endLine: Int, largerTiersRemain: Bool = false, function: CompletionCacheKey? = nil) {
        self.report = report
        self.startLine = startLine
        self.endLine = endLine
        self.largerTiersRemain = largerTiersRemain
        self.function = function
    }
}

/// One step of a running cascade, for `$/progress` and the terminal.
public enum CascadeProgress: Sendable, Equatable {
    case generating(tier: String)
    /// A candidate was written and its tests are starting: what an editor can show at once.
    case candidate(CandidatePreview)
    case testing(tier: String, passed: Int, total: Int)
    case escalating(from: String, to: String)
    case finished(CascadeReport.Status)

    /// A short line such as `small: 9/12 tests`.
    public var message: String {
        switch self {
        case .generating(let tier): "\(tier): generating"
        case .candidate(let preview): "\(preview.tier): testing candidate \(preview.index + 1)"
        case .testing(let tier, let passed, let total): "\(tier): \(passed)/\(total) tests"
        case .escalating(_, let to): "escalating to \(to)"
        case .finished(let status): "done: \(status.rawValue)"
        }
    }
}

/// A candidate the moment it was written, before its tests ran, so an editor can show it
/// marked as being tested long before the tier (or the cascade) is decided.
public struct CandidatePreview: Sendable, Equatable {
    public var tier: String
    /// 0-based position among the candidates its tier wrote.
    public var index: Int
    /// Replaces lines `startLine..<endLine` of the document, as `CompletionResult` does.
    public var completion: String
    public var startLine: Int
    public var endLine: Int
    /// Module-level imports the candidate needs (see `CascadeReport.imports`).
    public var imports: [String]

    public init(tier: String, index: Int, completion: String, startLine: Int, endLine: Int, imports: [String] = []) {
        self.tier = tier
        self.index = index
        self.completion = completion
        self.startLine = startLine
        self.endLine = endLine
        self.imports = imports
    }
}
