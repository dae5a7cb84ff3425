import Foundation

/// Bounded retries with exponential backoff for 429, 5xx and dropped connections.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts including the first (1 = no retry).
    public var maxAttempts: Int
    /// Wait before the second attempt; doubled for each later one.
    public var baseDelaySeconds: Double
    /// No single wait is longer, even when `Retry-After` asks for more.
    public var maxDelaySeconds: Double

    public init(maxAttempts: Int = 3, baseDelaySeconds: Double = 0.5, maxDelaySeconds: Double = 20) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): `Retry-After` when the
    /// server sent one, else base · 2^(attempt-1) with ±20 % jitter; capped by `maxDelaySeconds`.
    public func delay(afterAttempt attempt: Int, retryAfter: String?) -> Double {
        if let retryAfter, let seconds = Self.parseRetryAfter(retryAfter) {
            return min(max(0, seconds), maxDelaySeconds)
        }
        let exponential = baseDelaySeconds * pow(2, Double(max(0, attempt - 1)))
        let jitter = Double.random(in: 0.8...1.2)
        return min(exponential * jitter, maxDelaySeconds)
    }

    /// `Retry-After` is either delta-seconds or an HTTP date.
    static func parseRetryAfter(_ value: String) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return date.timeIntervalSinceNow
    }
}
