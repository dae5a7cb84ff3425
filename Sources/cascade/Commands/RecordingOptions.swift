import Cascade
import Evaluation
import Foundation

/// What `--record DIR` / `--replay DIR` select, shared by `cascade eval` and `cascade tune`.
///
/// A recording keeps the configuration it was made with and the problems it covers, so
/// `--replay DIR` alone is enough; `--config` (other prices, say) and `--problems` override them.
struct RecordingOptions {
    let store: RecordStore
    let mode: RecordingMode
    /// The directory being replayed, if any.
    var replayDirectory: String? { mode == .replay ? store.directory : nil }

    private init(store: RecordStore, mode: RecordingMode) {
        self.store = store
        self.mode = mode
    }

    /// The same replay, able to add the sandbox outcomes it lacks to the recording.
    static func fillable(_ replay: RecordingOptions) throws -> RecordingOptions {
        do {
            return RecordingOptions(store: try RecordStore(directory: replay.store.directory, writable: true), mode: .replay)
        } catch {
            throw CLIError.usage("\(error)")
        }
    }

    init(record: String?, replay: String?) throws {
        do {
            switch (record, replay) {
            case (let directory?, nil):
                try Self.requireNotAFile(directory, option: "record", fix: "give a directory to record into (it is created if missing)")
                store = try RecordStore(directory: directory, writable: true)
                mode = .record
            case (nil, let directory?):
                try Self.requireNotAFile(directory, option: "replay", fix: "give the directory `cascade eval --record DIR` wrote")
                store = try RecordStore(directory: directory, writable: false)
                mode = .replay
            case (nil, nil):
                store = try RecordStore(directory: NSTemporaryDirectory() + "cascade-eval-\(getpid())", writable: true)
                mode = .record
            default:
                throw CLIError.usage("--record and --replay cannot be used together")
            }
        } catch let error as CLIError {
            throw error
        } catch let error as CocoaError {
            // e.g. a directory that cannot be created: the system's sentence, not the NSError dump.
            throw CLIError.usage("cannot use the recording directory \(record ?? replay ?? ""): \(error.localizedDescription)")
        } catch {
            throw CLIError.usage("\(error)")
        }
    }

    /// A recording is a directory; an existing file at `path` is a usage error saying so.
    private static func requireNotAFile(_ path: String, option: String, fix: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError.usage("--\(option) \(path) is a file, not a directory: \(fix)")
        }
    }

    /// `--config`, else the replayed recording's own configuration, else the usual lookup.
    func runtime(configPath: String?) throws -> Runtime {
        if configPath == nil, let directory = replayDirectory {
            guard FileManager.default.fileExists(atPath: store.configPath) else {
                throw CLIError.usage("\(directory) has no \(RecordStore.configFile): pass the config it was recorded with as --config FILE")
            }
            return try Runtime(configPath: store.configPath)
        }
        return try Runtime(configPath: configPath)
    }

    /// The recording's own problem list, when replaying and none was given.
    func recordedProblems() throws -> ProblemSet? {
        guard let directory = replayDirectory else { return nil }
        guard FileManager.default.fileExists(atPath: store.problemsPath) else {
            throw CLIError.usage("\(directory) has no \(RecordStore.problemsFile): pass --problems FILE or --dataset humaneval")
        }
        do { return try ProblemSet.load(path: store.problemsPath) } catch { throw CLIError.usage("\(error)") }
    }
}
