#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The ingest lock (`<database>.ingest-lock`, taken exclusively by every writer: `ingest`,
/// `connectors import`) held *shared* for a moment, so that nothing commits while a reader
/// starts several snapshots that must see one state. Never waits: nil when a writer holds it,
/// or when the lock file can be neither opened nor created (a directory this user cannot write,
/// where the database is read as an immutable snapshot anyway — then no snapshot needs it, but
/// the caller does without companions rather than assume).
struct WriterPause: ~Copyable {
    private let fd: Int32

    init?(database: String) {
        let path = database + ".ingest-lock"
        var fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 && errno == ENOENT { fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
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
