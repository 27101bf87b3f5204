import CSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a database file lives, and what SQLite needs of that place.
///
/// In WAL mode SQLite writes the file and creates `<file>-wal` and `<file>-shm` beside it, so a
/// writer needs a writable file *and* a writable directory; a reader needs the directory too,
/// unless `-wal` and `-shm` are there already, or the log is empty, when the file can be read
/// as an immutable snapshot. Checking this up front turns SQLite's terse codes into a sentence that names the
/// path and the cause, before anything is read or changed.
public struct DatabaseLocation: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The directory that holds the file ("." for a bare name).
    public var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public var exists: Bool { access(path, F_OK) == 0 }

    /// Whether a write-ahead log holds commits not yet copied into the file.
    public var writeAheadLogHasContent: Bool {
        var info = stat()
        return stat(path + "-wal", &info) == 0 && info.st_size > 0
    }

    /// Whether both files a WAL reader shares with writers are present (a reader that cannot
    /// create them can still use them).
    var sharedFilesExist: Bool { access(path + "-wal", F_OK) == 0 && access(path + "-shm", F_OK) == 0 }

    public var directoryIsWritable: Bool { access(directory, W_OK | X_OK) == 0 }

    /// Throws a clear error unless the database can be created or written here.
    public func checkWritable() throws {
        guard access(directory, F_OK) == 0 else {
            throw StoreError(code: SQLITE_CANTOPEN, message: "cannot create \(path): directory \(directory) does not exist")
        }
        guard directoryIsWritable else {
            throw StoreError(
                code: SQLITE_READONLY,
                message: "cannot write \(path): directory \(directory) is read-only, and SQLite must create "
                    + "\(path)-wal and -shm beside the database; nothing was changed")
        }
        if exists, access(path, W_OK) != 0 {
            throw StoreError(code: SQLITE_READONLY, message: "cannot write \(path): the file is read-only; nothing was changed")
        }
    }

    /// Throws, naming the owner and mode, when this user cannot read an existing database (a
    /// root-owned 0600 file read by an analyst), before anything else is said or tried.
    public func checkReadable() throws {
        guard exists, access(path, R_OK) != 0 else { return }
        var info = stat()
        let detail = stat(path, &info) == 0
            ? " (owner uid \(info.st_uid), mode \(String(info.st_mode & 0o777, radix: 8)))" : ""
        throw StoreError(
            code: SQLITE_CANTOPEN,
            message: "cannot read \(path): permission denied\(detail); run as its owner, or ask for read access to the file and its directory",
            path: path)
    }

    /// Whether a reader must open the file as an immutable snapshot: SQLite would have to create
    /// `-wal` or `-shm` in a directory it cannot write, and the log holds no commits (a writer
    /// whose log had content could not be read this way; SQLite's own error is shown then).
    public var needsImmutableRead: Bool {
        exists && !directoryIsWritable && !sharedFilesExist && !writeAheadLogHasContent
    }

    /// The `file:` URI that opens the database immutable (every byte outside printable ASCII, and `%?#`, percent-escaped).
    var immutableURI: String {
        var escaped = ""
        for byte in path.utf8 {
            let reserved = byte == UInt8(ascii: "%") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
            if reserved || byte < 0x21 || byte > 0x7E {
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += byte < 0x10 ? "%0" + hex : "%" + hex
            } else {
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return "file:" + escaped + "?immutable=1"
    }
}
