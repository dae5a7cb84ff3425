/// One JSON-RPC message, classified.
public enum Message: Sendable, Equatable {
    case request(id: RequestID, method: String, params: JSONValue?)
    case notification(method: String, params: JSONValue?)
    case response(id: RequestID, result: Result<JSONValue, ResponseError>)

    /// Reads a parsed JSON document as a message.
    ///
    /// - Returns: the message, or the error to answer with and the id to answer to
    ///   (nil when the id could not be read, answered as `"id": null`).
    public static func classify(_ json: JSONValue) -> Result<Message, InvalidMessage> {
        guard case .object(let members) = json else {
            let what = json.arrayValue != nil ? "a JSON array (batches are not supported)" : "not a JSON object"
            return .failure(InvalidMessage(id: nil, error: ResponseError(.invalidRequest, "message is \(what); send one object per frame")))
        }
        let rawID = members["id"]
        let id = rawID.flatMap(RequestID.init(json:))
        if let rawID, rawID != .null, id == nil {
            return .failure(InvalidMessage(id: nil, error: ResponseError(.invalidRequest, "'id' must be a number or a string")))
        }
        if let methodValue = members["method"] {
            guard let method = methodValue.stringValue else {
                return .failure(InvalidMessage(id: id, error: ResponseError(.invalidRequest, "'method' must be a string")))
            }
            let params = members["params"]
            if let params, params.objectValue == nil, params.arrayValue == nil, params != .null {
                if let id {
                    return .failure(InvalidMessage(id: id, error: ResponseError(.invalidParams, "'params' must be an object or an array")))
                }
            }
            if let id { return .success(.request(id: id, method: method, params: params)) }
            return .success(.notification(method: method, params: params))
        }
        if let id, members["result"] != nil || members["error"] != nil {
            if let errorValue = members["error"], errorValue != .null {
                let error = ResponseError(json: errorValue) ?? ResponseError(.internalError, "malformed error: \(errorValue.jsonString)")
                return .success(.response(id: id, result: .failure(error)))
            }
            return .success(.response(id: id, result: .success(members["result"] ?? .null)))
        }
        return .failure(InvalidMessage(id: id, error: ResponseError(.invalidRequest, "message has no 'method' (a request needs one) and is not a response")))
    }

    /// The message as it goes on the wire.
    public var json: JSONValue {
        switch self {
        case .request(let id, let method, let params):
            var members: [String: JSONValue] = ["jsonrpc": "2.0", "id": id.json, "method": .string(method)]
            if let params { members["params"] = params }
            return .object(members)
        case .notification(let method, let params):
            var members: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
            if let params { members["params"] = params }
            return .object(members)
        case .response(let id, let result):
            return Self.responseJSON(id: id, result: result)
        }
    }

    /// A response; `id` nil only for errors about a message whose id could not be read.
    public static func responseJSON(id: RequestID?, result: Result<JSONValue, ResponseError>) -> JSONValue {
        var members: [String: JSONValue] = ["jsonrpc": "2.0", "id": id?.json ?? .null]
        switch result {
        case .success(let value): members["result"] = value
        case .failure(let error): members["error"] = error.json
        }
        return .object(members)
    }
}

/// A message that cannot be processed, and how to answer it.
public struct InvalidMessage: Error, Sendable, Equatable {
    public var id: RequestID?
    public var error: ResponseError
}
