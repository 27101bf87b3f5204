import Foundation
import ZIPFoundation

/// Reads the regular-file members of a `.zip` (as Windows administrators zip log folders),
/// streaming each member's decompressed bytes in bounded chunks.
public enum ZipReader {
    /// Calls the sink for each file member in archive order. A corrupt member throws after the
    /// members before it were delivered; `sink.endMember()` is called only for complete members.
    public static func read<S: ArchiveMemberSink>(path: String, into sink: inout S) throws {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ByteInputError("zip: cannot read the archive (\(error))", input: path)
        }
        for entry in archive where entry.type == .file {
            guard sink.beginMember(name: entry.path, size: UInt64(entry.uncompressedSize)) else { continue }
            do {
                _ = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: false) { data in
                    try data.withUnsafeBytes { try sink.memberData($0) }
                }
            } catch let error as ByteInputError {
                throw error
            } catch {
                throw ByteInputError("zip: corrupt member \(entry.path) (\(error))", input: path)
            }
            try sink.endMember()
        }
    }

    /// Whether these first bytes are a zip local file header (`PK\3\4`).
    public static func looksLikeZip(_ head: some Collection<UInt8>) -> Bool {
        Array(head.prefix(4)) == [0x50, 0x4B, 0x03, 0x04]
    }
}
