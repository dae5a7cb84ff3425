import Foundation
import Glibc

/// A per-run pids cgroup: caps how many processes a candidate can have at once (a fork bomb
/// stops at `maximum`) and finds every one of them afterwards, setsid daemons included.
///
/// Needs a writable pids hierarchy (cgroup v1 `/sys/fs/cgroup/pids`, or v2 with the pids
/// controller delegated), which in practice means root. RLIMIT_NPROC is no substitute:
/// root ignores it and for other users it counts every process they own.
struct ProcessCountCap {
    static let maximum = 128

    let directory: String

    /// The hierarchy new run cgroups are created in, if this process may create them.
    static let hierarchy: String? = {
        var candidates = ["/sys/fs/cgroup/pids"]
        if let controllers = try? String(contentsOfFile: "/sys/fs/cgroup/cgroup.controllers", encoding: .utf8),
           controllers.split(separator: " ").contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "pids" }) {
            candidates.append("/sys/fs/cgroup")
        }
        for base in candidates {
            removeStaleGroups(in: base)
            let probe = "\(base)/cascade-probe-\(getpid())"
            guard mkdir(probe, 0o755) == 0 else { continue }
            let works = access("\(probe)/pids.max", W_OK) == 0 && access("\(probe)/cgroup.procs", W_OK) == 0
            rmdir(probe)
            if works { return base }
        }
        return nil
    }()

    /// Removes run cgroups left by Cascade processes that died without cleaning up.
    private static func removeStaleGroups(in base: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        for entry in entries where entry.hasPrefix("cascade-") {
            let parts = entry.split(separator: "-")
            guard parts.count == 3, let owner = pid_t(parts[1]), owner != getpid() else { continue }
            if Glibc.kill(owner, 0) == -1 && errno == ESRCH {
                ProcessCountCap(directory: "\(base)/\(entry)").destroy()
            }
        }
    }

    /// Creates a fresh cgroup limited to `maximum` processes.
    static func create(token: String) -> ProcessCountCap? {
        guard let hierarchy else { return nil }
        let directory = "\(hierarchy)/cascade-\(getpid())-\(token)"
        guard mkdir(directory, 0o755) == 0 else { return nil }
        let cap = ProcessCountCap(directory: directory)
        guard cap.write("\(maximum)", to: "pids.max") else {
            rmdir(directory)
            return nil
        }
        return cap
    }

    /// The prefix that moves the command into the cgroup before it starts anything, so
    /// nothing it forks can be outside (`sh` writes its own pid, then execs).
    var commandPrefix: [String] {
        ["/bin/sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", directory]
    }

    /// SIGKILLs everything in the cgroup until it is empty, then removes it.
    func destroy() {
        let name = Array(("/" + directory.split(separator: "/").last! + "\n").utf8)
        let isMember = { (pid: pid_t) in
            VerifiedKill.readProcFile("/proc/\(pid)/cgroup", capacity: 4096).map { VerifiedKill.contains($0, name) } ?? false
        }
        for round in 0..<2_000 {
            let pids = members()
            if pids.isEmpty && rmdir(directory) == 0 { return }
            pids.forEach { VerifiedKill.kill($0, ifStill: isMember) }
            if round > 0 { usleep(500) }
        }
        FileHandle.standardError.write(Data("cascade: sandbox: could not remove \(directory); it still holds processes\n".utf8))
    }

    func members() -> [pid_t] {
        guard let text = try? String(contentsOfFile: "\(directory)/cgroup.procs", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { pid_t($0) }
    }

    private func write(_ value: String, to file: String) -> Bool {
        let fd = open("\(directory)/\(file)", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return value.withCString { Glibc.write(fd, $0, strlen($0)) } > 0
    }
}
