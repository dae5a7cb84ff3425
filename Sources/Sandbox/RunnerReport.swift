import Cascade

/// What one solution's runner said on its results descriptor, read strictly.
///
/// Lines are `<nonce> L <ms>` (loaded), `<nonce> E <type> <message>` (did not load),
/// `<nonce> T <index> <pass|fail|error|timeout> <ms> <type|->` (tests in order) and
/// `<nonce> D` (done). Anything else (a line without the nonce, a repeated or skipped
/// index, text after `D`) means the channel was tampered with and nothing on it counts.
struct RunnerReport: Equatable {
    var loaded = false
    var loadError: String?
    var results: [(outcome: TestOutcome, ms: Double)] = []
    var done = false
    var tampered: String?

    static func == (lhs: RunnerReport, rhs: RunnerReport) -> Bool {
        lhs.loadError == rhs.loadError && lhs.done == rhs.done && lhs.tampered == rhs.tampered
            && lhs.results.map(\.outcome) == rhs.results.map(\.outcome)
    }

    init(parsing bytes: [UInt8], nonce: String, testCount: Int) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        let prefix = nonce + " "
        for line in lines {
            guard !done, line.hasPrefix(prefix) else {
                tampered = "unexpected line on the results channel"
                return
            }
            let fields = line.dropFirst(prefix.count).split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
            switch fields.first {
            case "L" where !loaded && loadError == nil:
                loaded = true
            case "E" where !loaded && loadError == nil && fields.count >= 2:
                loadError = fields.dropFirst().joined(separator: " ")
            case "T" where loaded && fields.count == 5:
                guard Int(fields[1]) == results.count, results.count < testCount,
                      let outcome = Self.outcome(String(fields[2]), error: String(fields[4])),
                      let ms = Double(fields[3]) else {
                    tampered = "malformed or out-of-order test result"
                    return
                }
                results.append((outcome, ms))
            case "D":
                done = true
            default:
                tampered = "malformed results line"
                return
            }
        }
    }

    private static func outcome(_ word: String, error: String) -> TestOutcome? {
        switch word {
        case "pass": return .pass
        case "fail": return .fail
        case "timeout": return .timeout
        case "error": return .error(error)
        default: return nil
        }
    }
}
