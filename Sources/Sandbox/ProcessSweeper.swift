import Foundation
import Glibc

/// Finds processes that outlived their run without bubblewrap's PID namespace (a daemon that
/// called `setsid` leaves our process group) by the marker variable in their environment.
enum ProcessSweeper {
    static let markerVariable = "CASCADE_SANDBOX_RUN"

    /// SIGKILLs every process carrying `marker`, repeating while new ones appear (a fork bomb
    /// keeps forking between scans).
    static func killProcesses(carrying marker: String) {
        let needle = Array("\(markerVariable)=\(marker)\0".utf8)
        let carries = { (pid: pid_t) in
            VerifiedKill.readProcFile("/proc/\(pid)/environ").map { VerifiedKill.contains($0, needle) } ?? false
        }
        for _ in 0..<20 {
            let found = allPids().filter(carries)
            if found.isEmpty { return }
            found.forEach { VerifiedKill.kill($0, ifStill: carries) }
        }
    }

    private static func allPids() -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        let own = getpid()
        var pids: [pid_t] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if let pid = pid_t(name), pid != own { pids.append(pid) }
        }
        return pids
    }
}
