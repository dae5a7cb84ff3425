import Foundation

/// Verified completions by function context, least recently used evicted first.
///
/// A repeat request for the same function (same signature, docstring, surrounding
/// definitions, language, and configuration) is answered at once, at no cost.
public actor CompletionCache {
    public let capacity: Int
    private var entries: [CompletionCacheKey: (report: CascadeReport, lastUse: UInt64)] = [:]
    private var tick: UInt64 = 0

    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { entries.count }

    /// The stored report for `key`, marking it recently used.
    public func lookup(_ key: CompletionCacheKey) -> CascadeReport? {
        guard let entry = entries[key] else { return nil }
        tick += 1
        entries[key] = (entry.report, tick)
        return entry.report
    }

    /// Stores a report, evicting the least recently used entry when full.
    public func store(_ report: CascadeReport, for key: CompletionCacheKey) {
        tick += 1
        if entries[key] == nil && entries.count >= capacity,
           let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            entries.removeValue(forKey: oldest)
        }
        entries[key] = (report, tick)
    }

    public func removeAll() {
        entries.removeAll()
    }
}

/// What makes two requests the same for the cache.
public struct CompletionCacheKey: Hashable, Sendable {
    public let languageId: String
    public let kind: CompletionContext.Kind
    public let entryPoint: String?
    public let className: String?
    public let decorators: [String]
    public let signature: String
    public let docstring: String?
    /// Imports and definitions the function may use, and for a method the rest of its class.
    public let surroundings: [String]
    /// Where and how the completion is inserted.
    public let bodyIndent: String
    public let completionLead: String
    public let configFingerprint: String

    public init(context: CompletionContext, configFingerprint: String) {
        languageId = context.languageId
        kind = context.kind
        entryPoint = context.entryPoint
        className = context.className
        decorators = context.decorators
        signature = context.signature
        docstring = context.docstring
        surroundings = [context.preamble, context.programHead, context.programTail]
        bodyIndent = context.bodyIndent
        completionLead = context.completionLead
        self.configFingerprint = configFingerprint
    }

    /// A stable text for a configuration: its JSON with sorted keys.
    public static func fingerprint(of config: CascadeConfig) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(config)).map { String(decoding: $0, as: UTF8.self) } ?? "\(config)"
    }
}
