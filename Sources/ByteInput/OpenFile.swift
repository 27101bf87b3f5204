/// A file opened once for reading: its descriptor and what `fstat` said at open. An input's
/// head, then its whole content (mapped or read) come through the one descriptor, so an input is
/// opened once however it is read; the descriptor is closed when the last reference goes. (A
/// head alone — the carry plan's, an archive check's — is `OpenFile(path:).head(maximum:)`.)
public final class OpenFile: Sendable {
    public let path: String
    /// The size at open (a regular file), or nil for a pipe or device.
    public let size: UInt64?
    let descriptor: Int32

    public init(path: String) throws {
        self.path = path
        descriptor = try SystemCalls.openReadOnly(path)
        do {
            let status = try SystemCalls.fileStatus(descriptor, path: path)
            size = status.isRegular ? status.size : nil
        } catch {
            SystemCalls.close(descriptor)
            throw error
        }
    }

    deinit { SystemCalls.close(descriptor) }

    /// Up to `maximum` bytes from the start (fewer if the file is shorter), read with `pread`: a
    /// source made afterwards still starts at byte 0.
    public func head(maximum: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: maximum)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while filled < maximum {
                let n = try SystemCalls.read(
                    descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), at: UInt64(filled),
                    path: path)
                if n == 0 { break }
                filled += n
            }
        }
        bytes.removeLast(maximum - filled)
        return bytes
    }
}
