#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What discovery needs to know of a path, from one `lstat(2)` or `stat(2)`.
///
/// Foundation's `attributesOfItem` and `resolvingSymlinksInPath` cost about 160,000
/// instructions a file between them (dictionaries of boxed attributes, path normalization);
/// for a fleet's hourly files that was most of finding them (docs/performance.md).
struct PathStatus {
    enum Kind {
        case regular, directory, symbolicLink, other
    }

    var kind: Kind
    var size: UInt64
    /// Seconds since the epoch.
    var modificationTime: Int64

    /// The path itself (`lstat`), or what a symbolic link leads to (`stat`); nil when it cannot
    /// be read (missing, a broken link, no permission).
    init?(_ path: String, followingLinks: Bool) {
        var st = stat()
        guard (followingLinks ? stat(path, &st) : lstat(path, &st)) == 0 else { return nil }
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        size = UInt64(st.st_size)
        #if canImport(Darwin)
            modificationTime = Int64(st.st_mtimespec.tv_sec)
        #else
            modificationTime = Int64(st.st_mtim.tv_sec)
        #endif
    }
}
