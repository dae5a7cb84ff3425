import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The one URLSession every model client shares, configured for local model servers.
///
/// libcurl honours `http_proxy` even for 127.0.0.1, so loopback is added to `no_proxy`
/// before the session exists; the per-host connection limit (6 by default) is raised so
/// k parallel samples are not queued client-side (DESIGN.md §5).
public enum HTTPTransport {
    /// Parallel connections allowed to one host.
    public static let maximumConnectionsPerHost = 32

    /// The shared session.
    public static let session: URLSession = {
        exemptLoopbackFromProxy()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maximumConnectionsPerHost
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        // Our own deadline (`OpenAIClient`) is what counts; keep libcurl's out of the way.
        configuration.timeoutIntervalForRequest = 3600
        configuration.timeoutIntervalForResource = 3600
        return URLSession(configuration: configuration)
    }()

    /// Adds 127.0.0.1, localhost and ::1 to `no_proxy`/`NO_PROXY`, keeping existing entries.
    public static func exemptLoopbackFromProxy() {
        let loopback = ["127.0.0.1", "localhost", "::1"]
        for name in ["no_proxy", "NO_PROXY"] {
            let existing = ProcessInfo.processInfo.environment[name].map {
                $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            } ?? []
            let missing = loopback.filter { !existing.contains($0) }
            guard !missing.isEmpty else { continue }
            setenv(name, (existing.filter { !$0.isEmpty } + missing).joined(separator: ","), 1)
        }
    }
}
