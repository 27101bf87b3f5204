/// The first bytes of a file, read with one open(2) and as few read(2)s as it takes: for looking
/// at many files' starts before reading any whole (Ingest's `CarryPlan`).
public enum FileHead {
    /// Up to `maximum` bytes from the start of the file at `path` (fewer if it is shorter).
    public static func read(_ path: String, maximum: Int) throws -> [UInt8] {
        let fd = try SystemCalls.openReadOnly(path)
        defer { SystemCalls.close(fd) }
        var bytes = [UInt8](repeating: 0, count: maximum)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while filled < maximum {
                let n = try SystemCalls.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), path: path)
                if n == 0 { break }
                filled += n
            }
        }
        bytes.removeLast(maximum - filled)
        return bytes
    }
}
