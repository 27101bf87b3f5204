#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every libc call ByteInput makes, retried on EINTR and turned into ``ByteInputError``.
enum SystemCalls {
    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// open(2) read-only, close-on-exec.
    static func openReadOnly(_ path: String) throws -> Int32 {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw ByteInputError("cannot open: \(errorText(errno))", input: path)
        }
    }

    /// fstat(2): size and whether it is a regular file.
    static func fileStatus(_ fd: Int32, path: String) throws -> (size: UInt64, isRegular: Bool, mtime: Int64) {
        var st = stat()
        if fstat(fd, &st) != 0 { throw ByteInputError("cannot stat: \(errorText(errno))", input: path) }
        let isRegular = (st.st_mode & S_IFMT) == S_IFREG
        #if canImport(Darwin)
            let mtime = Int64(st.st_mtimespec.tv_sec)
        #else
            let mtime = Int64(st.st_mtim.tv_sec)
        #endif
        return (UInt64(st.st_size), isRegular, mtime)
    }

    /// read(2) into `buffer`, retried on EINTR; returns 0 at end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw ByteInputError("read failed: \(errorText(errno))", input: path)
        }
    }

    /// pread(2) into `buffer` from `offset`, retried on EINTR; returns 0 at end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64, path: String) throws -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw ByteInputError("read failed: \(errorText(errno))", input: path)
        }
    }

    /// mmap(2) `length` bytes read-only and private, advised sequential.
    static func mapReadOnly(_ fd: Int32, length: Int, path: String) throws -> UnsafeRawPointer {
        // Files up to 64 MiB (Exchange rotates at 10 MB) are pre-faulted in one call: far fewer
        // page faults than touching 4 KiB at a time. Larger ones are faulted in as read.
        #if os(Linux)
            let populate = length <= 64 << 20 ? MAP_POPULATE : 0
        #else
            let populate: Int32 = 0
        #endif
        guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE | populate, fd, 0), address != MAP_FAILED else {
            throw ByteInputError("cannot map: \(errorText(errno))", input: path)
        }
        _ = madvise(address, length, MADV_SEQUENTIAL)
        return UnsafeRawPointer(address)
    }

    static func unmap(_ address: UnsafeRawPointer, length: Int) {
        _ = munmap(UnsafeMutableRawPointer(mutating: address), length)
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }
}
