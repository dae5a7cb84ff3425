import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Where every model HTTP call goes: `http://` to our own socket client
/// (`PlainHTTPClient`), `https://` to URLSession.
///
/// Plain HTTP (local model servers, loopback fakes, self-hosted vLLM/Ollama) avoids
/// URLSession because its cancellation teardown has crashed the process (SIGILL in
/// `_MultiHandle.endOperation`), and superseded completions are cancelled all the time.
/// We cannot do TLS ourselves, so `https://` keeps URLSession, and with it that teardown
/// on every cancelled cloud request.
///
/// For the URLSession path: libcurl honours `http_proxy` even for 127.0.0.1, so loopback is added to `no_proxy`
/// before the session exists; the per-host connection limit (6 by default) is raised so
/// k parallel samples are not queued client-side.
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

    /// Sends `request` on the transport its scheme needs.
    ///
    /// Throws `CancellationError` when the task is cancelled and `HTTPTransportError` for
    /// failures below HTTP; `timeoutSeconds` is a transport-level backstop (nil = none).
    /// - Parameter maxBodyBytes: a larger body throws `responseTooLarge`; over `http://` it is
    ///   never read past the limit, over URLSession it is checked once received.
    public static func send(_ request: HTTPRequest, timeoutSeconds: Double? = nil, maxBodyBytes: Int = .max) async throws -> HTTPResponse {
        switch request.url.scheme?.lowercased() {
        case "http":
            return try await PlainHTTPClient.send(request, timeoutSeconds: timeoutSeconds, maxBodyBytes: maxBodyBytes)
        case "https":
            let response = try await sendWithURLSession(request, timeoutSeconds: timeoutSeconds)
            guard response.body.count <= maxBodyBytes else { throw HTTPTransportError.responseTooLarge(limit: maxBodyBytes) }
            return response
        default:
            throw HTTPTransportError.badURL(request.url.absoluteString)
        }
    }

    private static func sendWithURLSession(_ request: HTTPRequest, timeoutSeconds: Double?) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        // URLRequest's 60 s default idle timeout would cut slow generations short.
        urlRequest.timeoutInterval = (timeoutSeconds ?? 3600) + 5
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        do {
            let (data, response) = try await session.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else { throw HTTPTransportError.other("no HTTP response") }
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name] = value }
            }
            return HTTPResponse(status: http.statusCode, headers: headers, body: data)
        } catch let urlError as URLError {
            if Task.isCancelled { throw CancellationError() }
            switch urlError.code {
            case .cancelled: throw CancellationError()
            case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
                throw HTTPTransportError.cannotConnect(urlError.localizedDescription)
            case .networkConnectionLost, .badServerResponse, .zeroByteResource, .cannotParseResponse:
                throw HTTPTransportError.connectionLost(urlError.localizedDescription)
            case .timedOut:
                throw HTTPTransportError.timedOut
            default:
                throw HTTPTransportError.other(urlError.localizedDescription)
            }
        }
    }

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
