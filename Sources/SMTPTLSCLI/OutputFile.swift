import Foundation

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// Files and folders the commands write, with failures said as one plain sentence
/// (`cannot write /x/y.html: directory /x does not exist`), never as a Foundation error dump.
enum OutputFile {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes `text` to `path` (replacing it), or throws a plain sentence.
    static func write(_ text: String, to path: String) throws {
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw Problem(description: "cannot write \(path): it is a directory; name a file, e.g. \(path.hasSuffix("/") ? path : path + "/")summary.html")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            throw Problem(description: "cannot write \(path): directory \(directory) does not exist")
        }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Problem(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw Problem(description: "cannot write \(path): \(reason)")
            }
            written += n
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Problem(description: "cannot write \(path): \(reason)")
        }
    }

    /// Makes sure `path` is a directory that may be written into: created when missing, refused
    /// when it is a file, and refused when it holds files unless `force`.
    static func prepareDirectory(_ path: String, force: Bool) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Problem(description: "cannot write into \(path): it is a file, not a directory")
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            if !entries.isEmpty && !force {
                throw Problem(description: "\(path) is not empty (\(entries.count) entries): old files would mix with the new truth.json; choose an empty directory or add --force")
            }
            return
        }
        // mkdir -p, one component at a time, so the failing one and its cause can be named.
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw Problem(description: "cannot create directory \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }
}
