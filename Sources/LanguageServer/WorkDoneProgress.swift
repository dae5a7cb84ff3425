import JSONRPC
import Synchronization

/// `$/progress` for one cascade, which never waits for the client: the cascade starts at
/// once, and progress begins when (and if) the client accepts a token. A token created
/// with `window/workDoneProgress/create` becomes usable only when the client answers; a
/// client that answers late sees `begin` with the latest step (and at once `end`, if the
/// cascade is over by then), one that never answers sees no progress, and neither holds
/// up the completion.
final class WorkDoneProgress: Sendable {
    private enum Phase {
        case waiting(latest: String)
        case active(JSONValue)
        case ended(final: String)
    }

    private let connection: JSONRPCConnection
    private let phase = Mutex(Phase.waiting(latest: "starting"))

    init(connection: JSONRPCConnection) {
        self.connection = connection
    }

    /// The client accepted `token`: `begin`, with the step the cascade is at (and its `end`
    /// when it is already over).
    func begin(_ token: JSONValue) {
        phase.withLock { phase in
            let message: String
            switch phase {
            case .waiting(let latest): message = latest
            case .ended(let final): message = final
            case .active: return
            }
            connection.notify(LSPMethod.progress, ["token": token, "value": [
                "kind": "begin", "title": "Cascade", "cancellable": true, "message": .string(message),
            ]])
            if case .ended(let final) = phase {
                connection.notify(LSPMethod.progress, ["token": token, "value": ["kind": "end", "message": .string(final)]])
            } else {
                phase = .active(token)
            }
        }
    }

    func report(_ message: String) {
        phase.withLock { phase in
            switch phase {
            case .waiting: phase = .waiting(latest: message)
            case .active(let token):
                connection.notify(LSPMethod.progress, ["token": token, "value": ["kind": "report", "message": .string(message)]])
            case .ended: break
            }
        }
    }

    func end(_ message: String) {
        phase.withLock { phase in
            if case .active(let token) = phase {
                connection.notify(LSPMethod.progress, ["token": token, "value": ["kind": "end", "message": .string(message)]])
            }
            phase = .ended(final: message)
        }
    }
}
