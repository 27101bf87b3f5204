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
        // Each file name's bytes taken once (taking them in the comparison cost 72,000
        // instructions an input).
        let names = inputs.map { Array(($0.path as NSString).lastPathComponent.utf8) }
        inputs = inputs.indices.sorted { a, b in
            let c = naturalCompare(names[a], names[b])
            return c != 0 ? c < 0 : inputs[a].path < inputs[b].path
        }.map { inputs[$0] }
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
        // A file's server label comes from the folders above it, so the files of one directory
        // share it: derived once here (44,000 instructions a file), except for a name holding a
        // backslash, which `derive` also takes as a separator.
        let directoryLabel = server ?? ServerLabel.derive(fromDirectory: root)
        for name in names.sorted() {
            let path = (root as NSString).appendingPathComponent(name)
            guard let status = PathStatus(path, followingLinks: false) else {
                problems.append((path, "cannot stat"))
                continue
            }
            switch status.kind {
            case .directory:
                walk(path, server: server, into: &inputs, problems: &problems, notes: &notes)
            case .symbolicLink where PathStatus(path, followingLinks: true)?.kind == .directory:
                notes.append((path, "symbolic link to a directory, not followed"))
            case .regular, .symbolicLink:
                let label = name.utf8.contains(0x5C) ? nil : directoryLabel
                if let input = makeInput(path, server: server, label: label, problems: &problems) {
                    inputs.append(input)
                }
            case .other:
                break
            }
        }
    }

    /// - Parameter label: the server label `path` derives to, when the caller knows it already.
    static func makeInput(_ path: String, server: String?, label: String? = nil, problems: inout [(String, String)]) -> InputFile? {
        // Symbolic links to files are followed; links to directories are not walked.
        guard let status = PathStatus(path, followingLinks: true), status.kind == .regular else {
            problems.append((path, "not a regular file (or a broken link)"))
            return nil
        }
        return InputFile(
            path: path, size: status.size, modificationTime: status.modificationTime,
            server: server ?? label ?? ServerLabel.derive(fromPath: path), serverIsExplicit: server != nil)
    }

    /// Whether a file starts (after a BOM) with an Exchange `#` header: a plain log, which takes
    /// its server from its path (archives and compressed files are looked at when read).
    static func startsLikeLog(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        return head.withUnsafeBytes { HeaderSniffer.startsWithHeader($0) }
    }

    /// Compares names with digit runs as numbers: `-2` before `-10`.
    static func naturalCompare(_ a: String, _ b: String) -> Int {
        naturalCompare(Array(a.utf8), Array(b.utf8))
    }

    static func naturalCompare(_ x: [UInt8], _ y: [UInt8]) -> Int {
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
