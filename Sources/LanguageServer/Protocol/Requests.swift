import Cascade
import JSONRPC

// Every request the server answers: its method, its params (the type itself) and its answer.

public struct InitializeRequest: RequestType {
    public static let method = "initialize"
    public typealias Response = InitializeResult

    /// Read as JSON: the server looks at a handful of keys and ignores the rest.
    public var capabilities: JSONValue?
    /// The Cascade configuration (as `config.json` holds it), or nil to look it up.
    public var initializationOptions: JSONValue?

    /// Parsed, not decoded: the configuration's numbers stay exactly as the client wrote
    /// them (even 1e400), for the configuration error that names them.
    public static func decode(_ params: RawJSON?) throws -> Self {
        let json = try invalidParams { try params?.parsed() }
        if let json, json.objectValue == nil {
            throw ResponseError(.invalidParams, "initialize: params must be an object")
        }
        return Self(capabilities: json?["capabilities"], initializationOptions: json?["initializationOptions"])
    }
}

public struct ShutdownRequest: RequestType, ParamsIgnored {
    public static let method = "shutdown"
    public typealias Response = NullResponse
    public init() {}
}

/// `textDocument/inlineCompletion`: the cascade's answer as one inline item.
public struct InlineCompletionRequest: RequestType {
    public static let method = "textDocument/inlineCompletion"
    public typealias Response = InlineCompletionList

    public struct Context: Sendable, Hashable, Codable {
        /// 1 invoked (full cascade), 2 automatic (cached or first tier only).
        public var triggerKind: Int
    }

    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public var context: Context?
    public var workDoneToken: JSONValue?

    var isAutomatic: Bool { context?.triggerKind == 2 }
}

/// `textDocument/completion`: the cascade's answer as one item of a completion list.
public struct ListCompletionRequest: RequestType {
    public static let method = "textDocument/completion"
    public typealias Response = CompletionList

    public struct Context: Sendable, Hashable, Codable {
        /// 1 invoked (full cascade); 2 and 3, typed characters (first tier only).
        public var triggerKind: Int?
    }

    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public var context: Context?
    public var workDoneToken: JSONValue?

    var isInvoked: Bool { (context?.triggerKind ?? 1) == 1 }
}

public struct CodeActionRequest: RequestType {
    public static let method = "textDocument/codeAction"
    public typealias Response = [CodeAction]

    public var textDocument: TextDocumentIdentifier
    public var range: TextRange
}

/// `codeAction/resolve`: runs the cascade and answers the action with its edit.
public struct CodeActionResolveRequest: RequestType {
    public static let method = "codeAction/resolve"
    public typealias Response = CodeAction

    public var action: CodeAction

    public init(from decoder: any Decoder) throws {
        action = try CodeAction(from: decoder)
    }
}

/// `workspace/executeCommand` for one of `CascadeCommand.all`, its argument decoded as
/// the command's own type.
public struct ExecuteCommandRequest: RequestType {
    public static let method = "workspace/executeCommand"
    /// `{applied, report?, badge?}`, or null for `cascade.accepted`.
    public typealias Response = CommandAnswer?

    public enum Call: Sendable, Hashable {
        case generateFromDocstring(GenerateFromDocstringArguments)
        case insertTests(InsertTestsArguments)
        case accepted(AcceptedArguments)
    }

    public var call: Call

    private enum CodingKeys: String, CodingKey { case command, arguments }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let command = try container.decode(String.self, forKey: .command)
        /// The command's one argument, the first of `arguments`.
        func argument<Argument: Decodable>(_ type: Argument.Type) throws -> Argument {
            var arguments = try container.nestedUnkeyedContainer(forKey: .arguments)
            return try arguments.decode(Argument.self)
        }
        switch command {
        case CascadeCommand.generateFromDocstring: call = .generateFromDocstring(try argument(GenerateFromDocstringArguments.self))
        case CascadeCommand.insertTests: call = .insertTests(try argument(InsertTestsArguments.self))
        case CascadeCommand.accepted: call = .accepted(try argument(AcceptedArguments.self))
        default:
            throw ResponseError(.invalidParams, "unknown command '\(command)'; known: \(CascadeCommand.all.joined(separator: ", "))")
        }
    }
}

/// `cascade/ledger`: what the session and all sessions spent and saved.
public struct LedgerRequest: RequestType, ParamsIgnored {
    public static let method = "cascade/ledger"
    public typealias Response = LedgerTotals
    public init() {}
}

// MARK: Answers

/// The `null` result (`shutdown`).
public struct NullResponse: Encodable, Sendable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}

public struct InitializeResult: Encodable, Sendable {
    public struct ServerInfo: Encodable, Sendable {
        var name = "cascade"
        var version = "0.1.0"
    }

    public var capabilities: ServerCapabilities
    public var serverInfo = ServerInfo()
}

public struct ServerCapabilities: Encodable, Sendable {
    struct WorkDoneProgressOptions: Encodable, Sendable { var workDoneProgress = true }
    struct CompletionOptions: Encodable, Sendable {
        var resolveProvider = false
        var workDoneProgress = true
    }
    struct CodeActionOptions: Encodable, Sendable {
        var codeActionKinds = ["refactor.rewrite"]
        var resolveProvider = true
    }
    struct ExecuteCommandOptions: Encodable, Sendable { var commands = CascadeCommand.all }
    /// `cascade/suggestion` notifications, for clients that declare the same key.
    struct Experimental: Encodable, Sendable { var cascadeSuggestions = true }

    var positionEncoding: String
    /// Incremental.
    var textDocumentSync = 2
    var inlineCompletionProvider = WorkDoneProgressOptions()
    var completionProvider = CompletionOptions()
    var codeActionProvider = CodeActionOptions()
    var executeCommandProvider = ExecuteCommandOptions()
    var experimental = Experimental()
}

/// The answer of `cascade.generateFromDocstring` (`{applied, report, badge}`) and of
/// `cascade.insertTests` (`{applied}`).
public struct CommandAnswer: Encodable, Sendable {
    public var applied: Bool
    public var report: JSONValue?
    public var badge: JSONValue?
}

/// The answer of `cascade/ledger`: the session's totals, and all sessions' as `allTime`.
public struct LedgerTotals: Encodable, Sendable {
    public var session: LedgerSummary
    public var allTime: LedgerSummary

    private enum CodingKeys: String, CodingKey { case allTime }

    public func encode(to encoder: any Encoder) throws {
        try session.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(allTime, forKey: .allTime)
    }
}
