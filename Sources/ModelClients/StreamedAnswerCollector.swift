import Foundation
import Synchronization

/// Takes a streamed call's body on the request's I/O thread (`PlainHTTPClient.stream`):
/// a 2xx `text/event-stream` goes through the event parser into a `CompletionStream`,
/// anything else (an error status, a server that answered with plain JSON) is kept whole.
final class StreamedAnswerCollector: Sendable {
    private struct State {
        var events = ServerSentEventParser()
        var completion: CompletionStream
        /// The completion needs no more events.
        var complete = false
        var wholeBody = Data()
        var bytes = 0
    }
    private let state: Mutex<State>
    private let maxBytes: Int

    /// - Parameter maxBytes: past this much body, `take` throws `responseTooLarge`.
    init(_ completion: CompletionStream, maxBytes: Int = .max) {
        state = Mutex(State(completion: completion))
        self.maxBytes = maxBytes
    }

    static func isEventStream(_ head: HTTPResponse) -> Bool {
        (200..<300).contains(head.status) && head.header("Content-Type")?.lowercased().contains("text/event-stream") == true
    }

    /// The body of a response that is not an event stream.
    var wholeBody: Data { state.withLock { $0.wholeBody } }

    /// One piece of the body; `.stopReading` once the completion has what it needs.
    func take(_ head: HTTPResponse, _ piece: [UInt8]) throws(CompletionStream.Problem) -> PlainHTTPClient.BodyControl {
        try state.withLock { (state) throws(CompletionStream.Problem) -> PlainHTTPClient.BodyControl in
            state.bytes += piece.count
            guard state.bytes <= maxBytes else { throw .tooLarge(limit: maxBytes) }
            guard Self.isEventStream(head) else {
                state.wholeBody.append(contentsOf: piece)
                return .readMore
            }
            for event in state.events.feed(piece) where !state.complete {
                state.complete = try !state.completion.take(event)
            }
            return state.complete ? .stopReading : .readMore
        }
    }

    /// The completion once the body has ended (or was stopped early).
    func finish() throws(CompletionStream.Problem) -> CompletionStream {
        try state.withLock { (state) throws(CompletionStream.Problem) -> CompletionStream in
            for event in state.events.finish() where !state.complete {
                state.complete = try !state.completion.take(event)
            }
            return state.completion
        }
    }
}
