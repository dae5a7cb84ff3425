import Cascade

/// The rlimits a candidate runs under, as `prlimit` arguments.
///
/// RLIMIT_NPROC is not set: it counts every process of the real user (a normal user's
/// desktop would already exceed a useful value) and root ignores it. Fork bombs are held by
/// the wall deadline, the group kill and, under bubblewrap, the PID namespace.
struct ResourceLimits: Equatable {
    var cpuSeconds: Int
    var addressSpaceBytes: Int
    var fileSizeBytes: Int = 16 << 20
    var openFiles: Int = 256

    init(_ execution: ExecutionConfig, addressSpaceBytes: Int? = nil) {
        cpuSeconds = Int(execution.runTimeoutSeconds.rounded(.up)) + 1
        self.addressSpaceBytes = addressSpaceBytes ?? max(execution.memoryMB, 64) << 20
    }

    var prlimitArguments: [String] {
        [
            "--cpu=\(cpuSeconds):\(cpuSeconds + 1)",
            "--as=\(addressSpaceBytes):\(addressSpaceBytes)",
            "--fsize=\(fileSizeBytes):\(fileSizeBytes)",
            "--nofile=\(openFiles):\(openFiles)",
            "--core=0:0",
        ]
    }
}
