import Foundation

/// Expands command-line paths into the inputs to ingest, in the order they are merged.
///
/// Directories are walked recursively (symbolic links to directories are not followed, so a
/// link loop cannot trap the walk). Every regular file is taken: what it is — a log, a
/// compressed log, a tar or zip archive, or something else to skip with a note — is decided by
/// its content when it is read, not by its name. Order: natural order of the file name
/// (`RECV2023011116-2.LOG` before `-10`), then full path — chronological for Exchange names.
public enum InputDiscovery {
    public struct Result: Sendable {
        public var inputs: [InputFile]
        /// Paths that could not be read or walked, with the reason.
        public var problems: [(path: String, message: String)]
        /// Paths deliberately not followed (links to directories), with the reason.
        public var notes: [(path: String, message: String)] = []

        /// Files whose path names no server (and no `--server` was given): their sessions would be
        /// stored under the server `""` (archives may still name it in their member paths).
        public var unlabeled: [InputFile] {
            inputs.filter { $0.server.isEmpty && !$0.serverIsExplicit && InputDiscovery.startsLikeLog($0.path) }
        }

        /// The warning to print before reading, or nil.
        public var unlabeledWarning: String? {
            let files = unlabeled
            guard let first = files.first else { return nil }
            let more = files.count > 1 ? " and \(files.count - 1) more" : ""
            return "warning: \(first.path)\(more): no server name in the path (…/EX01/…/ProtocolLog/SmtpReceive/…), "
                + "so sessions are stored under the server \"\" and stay there once ingested; "
                + "give the server with --server NAME (e.g. --server EX01), or ingest from a folder named after the server "
                + "(Ctrl-C now to do that instead; archives whose member paths name the server are labelled by those)"
        }
    }

    public static func discover(_ paths: [String], server: String?) -> Result {
        var inputs: [InputFile] = []
        var problems: [(String, String)] = []
        var notes: [(String, String)] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append((path, "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                walk(path, server: server, into: &inputs, problems: &problems, notes: &notes)
            } else if let input = makeInput(path, server: server, problems: &problems) {
                inputs.append(input)
            }
        }
        inputs.sort { a, b in
            let na = (a.path as NSString).lastPathComponent, nb = (b.path as NSString).lastPathComponent
            let c = naturalCompare(na, nb)
            return c != 0 ? c < 0 : a.path < b.path
        }
        var seen = Set<String>()
        inputs = inputs.filter { seen.insert($0.path).inserted }
        return Result(inputs: inputs, problems: problems, notes: notes)
    }

    static func walk(
        _ root: String, server: String?, into inputs: inout [InputFile], problems: inout [(String, String)],
        notes: inout [(String, String)]
    ) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: root) else {
            problems.append((root, "cannot read directory (permission?)"))
            return
        }
        for name in names.sorted() {
            let path = (root as NSString).appendingPathComponent(name)
            guard let attributes = try? fm.attributesOfItem(atPath: path) else {
                problems.append((path, "cannot stat"))
                continue
            }
            let type = attributes[.type] as? FileAttributeType
            var targetIsDirectory: ObjCBool = false
            if type == .typeDirectory {
                walk(path, server: server, into: &inputs, problems: &problems, notes: &notes)
            } else if type == .typeSymbolicLink, fm.fileExists(atPath: path, isDirectory: &targetIsDirectory),
                targetIsDirectory.boolValue
            {
                notes.append((path, "symbolic link to a directory, not followed"))
            } else if type == .typeRegular || type == .typeSymbolicLink {
                if let input = makeInput(path, server: server, problems: &problems) {
                    inputs.append(input)
                }
            }
        }
    }

    static func makeInput(_ path: String, server: String?, problems: inout [(String, String)]) -> InputFile? {
        // Symbolic links to files are followed; links to directories are not walked.
        let target = (path as NSString).resolvingSymlinksInPath
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else {
            problems.append((path, "not a regular file (or a broken link)"))
            return nil
        }
        let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        let mtime = Int64((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        return InputFile(
            path: path, size: size, modificationTime: mtime,
            server: server ?? ServerLabel.derive(fromPath: path), serverIsExplicit: server != nil)
    }

    /// Whether a file starts (after a BOM) with an Exchange `#` header: a plain log, which takes
    /// its server from its path (archives and compressed files are looked at when read).
    static func startsLikeLog(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        var head = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        return head.starts(with: Array("#Software:".utf8)) || head.starts(with: Array("#Version:".utf8))
            || head.starts(with: Array("#Log-type:".utf8)) || head.starts(with: Array("#Date:".utf8))
            || head.starts(with: Array("#Fields:".utf8))
    }

    /// Compares names with digit runs as numbers: `-2` before `-10`.
    static func naturalCompare(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0, j = 0
        while i < x.count && j < y.count {
            let dx = x[i] >= 48 && x[i] <= 57, dy = y[j] >= 48 && y[j] <= 57
            if dx && dy {
                var ei = i, ej = j
                while ei < x.count && x[ei] >= 48 && x[ei] <= 57 { ei += 1 }
                while ej < y.count && y[ej] >= 48 && y[ej] <= 57 { ej += 1 }
                let nx = x[i..<ei].drop { $0 == 48 }, ny = y[j..<ej].drop { $0 == 48 }
                if nx.count != ny.count { return nx.count < ny.count ? -1 : 1 }
                if !nx.elementsEqual(ny) { return nx.lexicographicallyPrecedes(ny) ? -1 : 1 }
                i = ei
                j = ej
            } else {
                if x[i] != y[j] { return x[i] < y[j] ? -1 : 1 }
                i += 1
                j += 1
            }
        }
        return (x.count - i) - (y.count - j) == 0 ? 0 : (x.count - i < y.count - j ? -1 : 1)
    }
}
