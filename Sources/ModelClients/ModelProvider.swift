import Cascade
import Foundation
import Synchronization

/// Builds the `CodeModel` for each tier: an `OpenAIClient` on the tier's endpoint, or, for
/// `endpoint: "local"`, on the managed llama.cpp server of the tier's model.
public struct ModelProvider: CodeModelProvider {
    public let localServers: LocalServerManager
    public let environment: [String: String]
    public let retry: RetryPolicy
    /// Whether answers from `http://` endpoints stream (see `OpenAIClient.Options.streams`):
    /// what lets a cancelled request stop the model at once. Off where exact token counts
    /// matter more than cancellation (recording an evaluation): llama-cpp-python's server
    /// reports usage only for answers it does not stream.
    public let streams: Bool
    private let clients = ClientCache()

    public init(
        localServers: LocalServerManager = .shared,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        retry: RetryPolicy = RetryPolicy(),
        streams: Bool = true
    ) {
        self.localServers = localServers
        self.environment = environment
        self.retry = retry
        self.streams = streams
    }

    /// - Throws: `ModelError` of kind `.localServer` when a local model cannot be served.
    public func model(for tier: TierConfig) async throws -> any CodeModel {
        if tier.endpoint == "local" {
            let endpoint: String
            do {
                endpoint = try await localServers.endpoint(forModel: tier.model)
            } catch let error as LocalServerError {
                throw ModelError(tier: tier.name, endpoint: "local", model: tier.model,
                                 kind: .localServer("\(error.message) — \(error.fix)"))
            }
            var served = tier
            served.endpoint = endpoint
            return clients.client(for: served, options: OpenAIClient.Options(
                sendsN: false, maxConcurrentCalls: 1, retry: retry, environment: environment, streams: streams))
        }
        return clients.client(for: tier, options: OpenAIClient.Options(retry: retry, environment: environment, streams: streams))
    }
}

/// One client per (tier, endpoint), so what a client learns (e.g. "ignores n") is kept.
private final class ClientCache: Sendable {
    private let cache = Mutex<[String: OpenAIClient]>([:])

    func client(for tier: TierConfig, options: OpenAIClient.Options) -> OpenAIClient {
        let key = "\(tier.name)\u{0}\(tier.apiKeyEnv ?? "")\u{0}\(tier.endpoint)\u{0}\(tier.model)\u{0}\(tier.api.rawValue)\u{0}\(tier.timeoutSeconds)"
        return cache.withLock { cache in
            if let existing = cache[key] { return existing }
            let client = OpenAIClient(tier: tier, options: options)
            cache[key] = client
            return client
        }
    }
}
