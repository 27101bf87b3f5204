#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The ingest lock (`<database>.ingest-lock`, taken exclusively by every writer: `ingest`,
/// `connectors import`) held *shared* for a moment, so that nothing commits while a reader
/// starts several snapshots that must see one state. Never waits, and never creates the file (a
/// report writes nothing): nil when a writer holds the lock or there is no lock file to open —
/// the caller then reads with one snapshot.
struct WriterPause: ~Copyable {
    private let fd: Int32

    init?(database: String) {
        let path = database + ".ingest-lock"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    /// Lets writers go on.
    consuming func end() {
        flock(fd, LOCK_UN)
        close(fd)
        discard self
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
