/// The first bytes of a file, read with one open(2) and as few read(2)s as it takes: for looking
/// at many files' starts before reading any whole (Ingest's `CarryPlan`).
public enum FileHead {
    /// Up to `maximum` bytes from the start of the file at `path` (fewer if it is shorter).
    public static func read(_ path: String, maximum: Int) throws -> [UInt8] {
        try OpenFile(path: path).head(maximum: maximum)
    }
}
