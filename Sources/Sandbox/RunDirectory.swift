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

    /// Removes the directory and everything in it, never following a symbolic link.
    ///
    /// Every step is relative to a directory descriptor opened with `O_NOFOLLOW`, so a link
    /// the candidate left (or swapped in meanwhile) is unlinked, never entered, and no mode is
    /// changed through it (`fchmod` on an open descriptor, `fchmodat` with
    /// `AT_SYMLINK_NOFOLLOW`). Directories on another device (a mount) are not entered.
    /// Subdirectories are moved up to the top before their parent is removed, so a tree of any
    /// depth (deeper than PATH_MAX, say) goes with two descriptors open.
    func remove() {
        let parentPath = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let parent = open(parentPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else { return }
        defer { close(parent) }
        guard let top = Self.openDirectory(name, in: parent) else {
            _ = unlinkat(parent, name, 0)  // not a directory any more: whatever it is, the name goes
            return
        }
        var device = stat()
        if fstat(top, &device) == 0 { Self.empty(top, device: device.st_dev) }
        close(top)
        _ = unlinkat(parent, name, AT_REMOVEDIR)
    }

    /// Opens `name` in `directory` as a directory, never through a link; makes it ours (0700) first if need be.
    private static func openDirectory(_ name: String, in directory: Int32) -> Int32? {
        let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
        var fd = openat(directory, name, flags)
        if fd < 0 && errno == EACCES && fchmodat(directory, name, 0o700, AT_SYMLINK_NOFOLLOW) == 0 {
            fd = openat(directory, name, flags)
        }
        guard fd >= 0 else { return nil }
        _ = fchmod(fd, 0o700)
        return fd
    }

    private static func isDirectory(_ name: String, in directory: Int32) -> Bool {
        var status = stat()
        return fstatat(directory, name, &status, AT_SYMLINK_NOFOLLOW) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// Names in an open directory, without `.` and `..`.
    private static func entries(of directory: Int32) -> [String] {
        let copy = dup(directory)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return []
        }
        defer { closedir(stream) }
        rewinddir(stream)  // the copy shares its offset with `directory`, which an earlier listing moved
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Empties the open directory `top`: removes files and links, and for each subdirectory
    /// moves its own subdirectories up into `top` (fresh names), removes its files, then the
    /// subdirectory itself; repeats until `top` is empty or a pass removes nothing.
    private static func empty(_ top: Int32, device: dev_t) {
        var hoisted = 0
        while true {
            let names = entries(of: top)
            if names.isEmpty { return }
            var progress = false
            for name in names {
                guard isDirectory(name, in: top), let child = openDirectory(name, in: top) else {
                    if unlinkat(top, name, 0) == 0 { progress = true }
                    continue
                }
                var status = stat()
                guard fstat(child, &status) == 0, status.st_dev == device else {
                    close(child)
                    continue
                }
                for inner in entries(of: child) {
                    if isDirectory(inner, in: child) {
                        while renameat(child, inner, top, ".cascade-\(hoisted)") != 0 && (errno == EEXIST || errno == ENOTEMPTY) {
                            hoisted += 1
                        }
                        hoisted += 1
                    } else {
                        _ = unlinkat(child, inner, 0)
                    }
                }
                close(child)
                if unlinkat(top, name, AT_REMOVEDIR) == 0 { progress = true }
            }
            if !progress { return }
        }
    }
}
