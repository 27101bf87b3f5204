#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ctrl-C during `ingest`: say what it means before the process ends.
///
/// Every batch is one transaction, so an interrupted run leaves the database consistent and the
/// next run finishes the job; the handler only writes that sentence (with `write(2)`, which is
/// async-signal-safe, from a buffer made before the signal) and exits with 130 like the default
/// action would.
enum InterruptNotice {
    nonisolated(unsafe) private static var message: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var length = 0

    static func install() {
        let text = "\r\u{1B}[Kinterrupted — run the same command again to finish (what was committed stays, nothing is counted twice)\n"
        let bytes = Array(text.utf8CString)
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        buffer.initialize(from: bytes, count: bytes.count)
        message = buffer
        length = bytes.count - 1
        signal(SIGINT) { _ in
            if let message = InterruptNotice.message { _ = write(STDERR_FILENO, message, InterruptNotice.length) }
            _exit(130)
        }
        // A parent (a test runner, a service manager) may have started us with SIGINT blocked.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
