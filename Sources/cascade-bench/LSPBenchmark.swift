import Foundation
import JSONRPC
#if canImport(Glibc)
import Glibc
#endif

/// Why the LSP benchmark stopped.
struct LSPBenchmarkError: Error, CustomStringConvertible {
    var description: String
}

/// Measures the real `cascade lsp` binary over pipes: 2,000 `cascade/ledger` round trips
/// (protocol and dispatch alone), 1,000 inline completions (round trip, and overhead =
/// round trip − the engine's own time, `data.engineMs`), and the server's resident memory idle and
/// after the completions, from /proc/PID/status.
///
/// The server inherits this process's environment, so point `CASCADE_CONFIG` at a config
/// whose model answers instantly (and `CASCADE_HOME` at a scratch directory for the ledger).
/// `CASCADE_BENCH_ROUND_TRIPS` and `CASCADE_BENCH_COMPLETIONS` override the counts. Each
/// completion follows a `didChange` that renumbers the docstring, so every one is a fresh
/// cascade (model calls and a sandboxed test run), not a cache hit; `CASCADE_BENCH_CACHED=1`
/// keeps the document as it is and measures cache hits instead.
func runLSPBenchmark(binary: String) async throws {
    let environment = ProcessInfo.processInfo.environment
    let roundTrips = environment["CASCADE_BENCH_ROUND_TRIPS"].flatMap(Int.init) ?? 2000
    let completions = environment["CASCADE_BENCH_COMPLETIONS"].flatMap(Int.init) ?? 1000
    let fresh = environment["CASCADE_BENCH_CACHED"] != "1"
    let results = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<LSPBenchmarkResults, any Error>) in
        // Blocking pipe I/O belongs on a thread of its own, not on the cooperative pool.
        let thread = Thread {
            continuation.resume(with: Result { try LSPBenchmarkSession.run(binary: binary, roundTrips: roundTrips, completions: completions, fresh: fresh) })
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
    print(results.table)
    print(results.json.jsonString)
}

struct LSPBenchmarkResults {
    var roundTripsMs: [Double]
    var completionMs: [Double]
    var overheadMs: [Double]
    var idleRSSKB: Int
    var afterRSSKB: Int
    var exitCode: Int32
    /// Completions by report status (`passed` for fresh cascades, `cached` for hits).
    var statuses: [String: Int]

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[index]
    }

    var table: String {
        func row(_ name: String, _ values: [Double]) -> String {
            name.padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: " %6d  p50 %8.3f ms  p99 %8.3f ms", values.count, Self.percentile(values, 0.5), Self.percentile(values, 0.99))
        }
        return [
            "cascade lsp benchmark",
            row("cascade/ledger round trip", roundTripsMs),
            row("inline completion", completionMs),
            row("completion server overhead", overheadMs),
            String(format: "resident memory: idle %.1f MB, after %d completions %.1f MB", Double(idleRSSKB) / 1024, completionMs.count, Double(afterRSSKB) / 1024),
            "completion statuses: " + statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            "exit code after shutdown/exit: \(exitCode)",
        ].joined(separator: "\n")
    }

    var json: JSONValue {
        func stats(_ values: [Double]) -> JSONValue {
            ["count": .int(values.count), "p50Ms": .double(Self.percentile(values, 0.5)), "p99Ms": .double(Self.percentile(values, 0.99))]
        }
        return [
            "roundTrip": stats(roundTripsMs), "completion": stats(completionMs), "overhead": stats(overheadMs),
            "idleRSSMB": .double(Double(idleRSSKB) / 1024), "afterRSSMB": .double(Double(afterRSSKB) / 1024),
            "exitCode": .int(Int(exitCode)),
            "statuses": .object(statuses.mapValues { .int($0) }),
        ]
    }
}

/// A blocking, single-threaded LSP client on a child process.
private final class LSPBenchmarkSession {
    let process: Process
    let input: FileHandle
    let outputFD: Int32
    var parser = FrameParser()
    var queue: [JSONValue] = []
    var nextID = 1
    var chunk = [UInt8](repeating: 0, count: 1 << 16)

    init(binary: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["lsp"]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        do {
            try process.run()
        } catch {
            throw LSPBenchmarkError(description: "cannot start \(binary) lsp: \(error); build it with 'swift build -c release' first")
        }
        input = stdin.fileHandleForWriting
        outputFD = stdout.fileHandleForReading.fileDescriptor
    }

    static func run(binary: String, roundTrips: Int, completions: Int, fresh: Bool) throws -> LSPBenchmarkResults {
        let session = try LSPBenchmarkSession(binary: binary)
        defer { if session.process.isRunning { session.process.terminate() } }
        return try session.measure(roundTrips: roundTrips, completions: completions, fresh: fresh)
    }

    static func source(_ number: Int?) -> String {
        "def add(a, b):\n    \"\"\"Return the sum of a and b\(number.map { " (variant \($0))" } ?? "").\"\"\"\n    \n"
    }

    func measure(roundTrips: Int, completions: Int, fresh: Bool) throws -> LSPBenchmarkResults {
        _ = try request("initialize", ["processId": .int(Int(getpid())), "rootUri": nil, "capabilities": [:]])
        notify("initialized", [:])
        let uri = "file:///tmp/cascade-bench.py"
        let source = Self.source(nil)
        notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "python", "version": 1, "text": .string(source)]])
        _ = try request("cascade/ledger", nil)  // the document is open once this answers
        let idle = residentKB()

        var roundTripsMs: [Double] = []
        for _ in 0..<roundTrips {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try request("cascade/ledger", nil)
            roundTripsMs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        var completionMs: [Double] = []
        var overheadMs: [Double] = []
        let params: JSONValue = ["textDocument": ["uri": .string(uri)], "position": ["line": 2, "character": 4], "context": ["triggerKind": 1]]
        var statuses: [String: Int] = [:]
        for index in 0..<completions {
            if fresh {
                notify("textDocument/didChange", [
                    "textDocument": ["uri": .string(uri), "version": .int(index + 2)],
                    "contentChanges": [["text": .string(Self.source(index))]],
                ])
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try request("textDocument/inlineCompletion", params)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            completionMs.append(elapsed)
            // The server's sub-millisecond engine time (`data.engineMs`), else the report's whole ms.
            let data = result["items"]?[0]?["data"]
            guard let engineMs = data?["engineMs"]?.doubleValue ?? data?["cascade"]?["latencyMs"]?.doubleValue else {
                throw LSPBenchmarkError(description: "completion \(index) returned no item (\(result.jsonString.prefix(200))); check that CASCADE_CONFIG names an instant fake model")
            }
            overheadMs.append(max(0, elapsed - engineMs))
            statuses[result["items"]?[0]?["data"]?["cascade"]?["status"]?.stringValue ?? "?", default: 0] += 1
        }
        let after = residentKB()
        _ = try request("shutdown", nil)
        notify("exit", nil)
        try input.close()
        process.waitUntilExit()
        return LSPBenchmarkResults(
            roundTripsMs: roundTripsMs, completionMs: completionMs, overheadMs: overheadMs,
            idleRSSKB: idle, afterRSSKB: after, exitCode: process.terminationStatus, statuses: statuses)
    }

    func notify(_ method: String, _ params: JSONValue?) {
        write(Message.notification(method: method, params: params).json)
    }

    /// Sends a request and reads until its answer, answering server requests with null.
    func request(_ method: String, _ params: JSONValue?) throws -> JSONValue {
        let id = RequestID.int(nextID)
        nextID += 1
        write(Message.request(id: id, method: method, params: params).json)
        while true {
            let message = try nextMessage()
            switch Message.classify(message) {
            case .success(.response(let answered, let result)) where answered == id:
                switch result {
                case .success(let value): return value
                case .failure(let error): throw LSPBenchmarkError(description: "\(method) failed: \(error)")
                }
            case .success(.request(let serverID, _, _)):
                write(Message.response(id: serverID, result: .success(.null)).json)
            default:
                continue
            }
        }
    }

    private func write(_ message: JSONValue) {
        let body = message.serialized()
        input.write(Data(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body))
    }

    private func nextMessage() throws -> JSONValue {
        while queue.isEmpty {
            let count = read(outputFD, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw LSPBenchmarkError(description: "the server closed its output; run it by hand to see its error") }
            for case .message(let body) in parser.append(chunk[0..<count]) {
                queue.append(try JSONValue.parse(body))
            }
        }
        return queue.removeFirst()
    }

    private func residentKB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
        }
        return -1
    }
}
