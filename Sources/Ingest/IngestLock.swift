#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One ingest at a time per database: an exclusive `flock` on `<database>.ingest-lock`.
///
/// SQLite alone would keep the file consistent, but two runs that both read the ledger and the
/// open sessions before either commits could count the same input twice. The second run waits
/// (saying so) until the first finishes. Queries take no lock (WAL lets them read meanwhile);
/// a report that reads on several connections holds it shared for a moment (`WriterPause`).
public final class IngestLock {
    private let fd: Int32

    /// Takes the lock, calling `waiting` once if another run holds it.
    public init(database: String, waiting: () -> Void) throws {
        let path = database + ".ingest-lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LockError(message: "cannot create \(path): \(String(cString: strerror(errno)))") }
        // A report holds the lock shared for a few milliseconds while it starts its snapshots
        // (`WriterPause` in Store): only a lock still held after a moment is another writer.
        var tries = 0
        while tries < 20 && flock(fd, LOCK_EX | LOCK_NB) != 0 {
            tries += 1
            usleep(10_000)
        }
        if tries == 20 {
            waiting()
            while flock(fd, LOCK_EX) != 0 {
                if errno != EINTR {
                    close(fd)
                    throw LockError(message: "cannot lock \(path): \(String(cString: strerror(errno)))")
                }
            }
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    public struct LockError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
