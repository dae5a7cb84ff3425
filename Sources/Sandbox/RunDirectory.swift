import Foundation
import Glibc

/// A fresh 0700 directory a candidate runs in, removed afterwards whatever it left there.
struct RunDirectory {
    let path: String

    static func create() throws(SandboxError) -> RunDirectory {
        let base = NSTemporaryDirectory()
        var template = Array("\(base.hasSuffix("/") ? base : base + "/")cascade-run-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw .runDirectoryFailed(String(cString: strerror(errno)))
        }
        return RunDirectory(path: String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// Removes the directory; restores permissions first if the candidate took them away.
    func remove() {
        let manager = FileManager.default
        if (try? manager.removeItem(atPath: path)) != nil { return }
        if let walker = manager.enumerator(atPath: path) {
            chmod(path, 0o700)
            for case let item as String in walker { chmod("\(path)/\(item)", 0o700) }
        }
        try? manager.removeItem(atPath: path)
    }
}
