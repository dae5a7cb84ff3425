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
        for _ in 0..<20 {
            let found = scan(for: needle)
            if found.isEmpty { return }
            found.forEach { kill($0, SIGKILL) }
        }
    }

    private static func scan(for needle: [UInt8]) -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        let own = getpid()
        var matches: [pid_t] = []
        var buffer = [UInt8](repeating: 0, count: 32 << 10)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            guard let pid = pid_t(name), pid != own else { continue }
            let fd = open("/proc/\(pid)/environ", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            let count = read(fd, &buffer, buffer.count)
            close(fd)
            guard count > 0 else { continue }
            if contains(buffer[0..<count], needle) { matches.append(pid) }
        }
        return matches
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count, let first = needle.first else { return false }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
