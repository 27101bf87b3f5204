/// Receives the members of an archive as they are read.
public protocol ArchiveMemberSink {
    /// A regular-file member starts. Return false to skip its bytes.
    mutating func beginMember(name: String, size: UInt64) -> Bool
    /// The next bytes of the current member (valid during the call).
    mutating func memberData(_ chunk: UnsafeRawBufferPointer) throws
    /// The current member is complete.
    mutating func endMember() throws
}

/// A push-style reader of tar archives (POSIX ustar, GNU long names, pax `path` records): feed it
/// the archive's bytes in chunks of any size and it hands out each regular file's bytes, never
/// holding more than one 512-byte header in memory.
public struct TarReader {
    private enum State {
        case header
        case data(remaining: UInt64, padding: Int, deliver: Bool, special: SpecialMember?)
        case padding(Int)
        case finished
    }

    private enum SpecialMember {
        case gnuLongName
        case pax
    }

    private var state = State.header
    private var header: [UInt8] = []
    private var special: [UInt8] = []
    private var pendingName: String?
    public let archiveName: String
    /// Whether a member was started and not completed (a truncated archive).
    public private(set) var inMember = false
    public private(set) var currentMember: String?

    public init(archiveName: String) { self.archiveName = archiveName }

    /// Whether these first bytes of a stream are a tar archive (`ustar` magic at offset 257).
    public static func looksLikeTar(_ head: UnsafeRawBufferPointer) -> Bool {
        guard head.count >= 262 else { return false }
        return head[257] == 0x75 && head[258] == 0x73 && head[259] == 0x74 && head[260] == 0x61 && head[261] == 0x72
    }

    public mutating func feed<S: ArchiveMemberSink>(_ chunk: UnsafeRawBufferPointer, into sink: inout S) throws {
        var rest = chunk
        while !rest.isEmpty {
            switch state {
            case .finished:
                return
            case .header:
                let take = min(512 - header.count, rest.count)
                header.append(contentsOf: rest[rest.startIndex..<rest.startIndex + take])
                rest = UnsafeRawBufferPointer(rebasing: rest[(rest.startIndex + take)...])
                if header.count == 512 { try parseHeader(&sink) }
            case .data(let remaining, let padding, let deliver, let specialKind):
                let take = Int(min(UInt64(rest.count), remaining))
                let piece = UnsafeRawBufferPointer(rebasing: rest[rest.startIndex..<rest.startIndex + take])
                if specialKind != nil {
                    if special.count < 1 << 20 { special.append(contentsOf: piece) }
                } else if deliver {
                    try sink.memberData(piece)
                }
                rest = UnsafeRawBufferPointer(rebasing: rest[(rest.startIndex + take)...])
                let left = remaining - UInt64(take)
                if left == 0 {
                    if let specialKind {
                        finishSpecial(specialKind)
                    } else if deliver {
                        inMember = false
                        try sink.endMember()
                    }
                    state = padding > 0 ? .padding(padding) : .header
                } else {
                    state = .data(remaining: left, padding: padding, deliver: deliver, special: specialKind)
                }
            case .padding(let n):
                let take = min(n, rest.count)
                rest = UnsafeRawBufferPointer(rebasing: rest[(rest.startIndex + take)...])
                state = n - take > 0 ? .padding(n - take) : .header
            }
        }
    }

    /// Checks the archive did not end inside a member.
    public func finish() throws {
        if inMember {
            throw ByteInputError("tar: archive ends inside member \(currentMember ?? "?") (truncated)", input: archiveName)
        }
        if case .data(_, _, _, .some) = state {
            throw ByteInputError("tar: archive ends inside an extended header (truncated)", input: archiveName)
        }
    }

    private mutating func parseHeader<S: ArchiveMemberSink>(_ sink: inout S) throws {
        let h = header
        header.removeAll(keepingCapacity: true)
        if h.allSatisfy({ $0 == 0 }) {
            // End-of-archive blocks (two are written; one is enough to stop).
            state = .finished
            return
        }
        guard Self.checksumMatches(h) else {
            throw ByteInputError("tar: corrupt header (checksum mismatch)", input: archiveName)
        }
        let size = Self.number(h[124..<136])
        let type = h[156]
        let padding = Int((512 - size % 512) % 512)
        var name = Self.string(h[0..<100])
        if h[257..<262].elementsEqual(Array("ustar".utf8)) {
            let prefix = Self.string(h[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        if let long = pendingName {
            name = long
            pendingName = nil
        }
        switch type {
        case UInt8(ascii: "L"):
            special.removeAll()
            state = .data(remaining: size, padding: padding, deliver: false, special: .gnuLongName)
        case UInt8(ascii: "x"):
            special.removeAll()
            state = .data(remaining: size, padding: padding, deliver: false, special: .pax)
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
            let deliver = sink.beginMember(name: name, size: size)
            if deliver {
                inMember = true
                currentMember = name
            }
            if size == 0 {
                if deliver {
                    inMember = false
                    try sink.endMember()
                }
                state = .header
            } else {
                state = .data(remaining: size, padding: padding, deliver: deliver, special: nil)
            }
        default:
            // Directories, links, devices, global pax headers: skip their data.
            state = size > 0 ? .data(remaining: size, padding: padding, deliver: false, special: nil) : .header
        }
    }

    private mutating func finishSpecial(_ kind: SpecialMember) {
        switch kind {
        case .gnuLongName:
            pendingName = Self.string(special[...])
        case .pax:
            // Records: "<length> key=value\n"; only path matters here.
            for record in special.split(separator: 0x0A) {
                guard let space = record.firstIndex(of: 0x20) else { continue }
                let kv = record[(space + 1)...]
                if kv.starts(with: Array("path=".utf8)) {
                    pendingName = String(decoding: kv.dropFirst(5), as: UTF8.self)
                }
            }
        }
        special.removeAll()
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Octal (NUL/space-terminated) or GNU base-256 for large sizes.
    static func number(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        if let first = bytes.first, first & 0x80 != 0 {
            return bytes.dropFirst().reduce(UInt64(first & 0x7F)) { $0 << 8 | UInt64($1) }
        }
        var v: UInt64 = 0
        for b in bytes {
            if b == 0 || b == 0x20 { if v > 0 { break } else { continue } }
            guard b >= 0x30, b <= 0x37 else { break }
            v = v << 3 | UInt64(b - 0x30)
        }
        return v
    }

    static func checksumMatches(_ h: [UInt8]) -> Bool {
        let stored = number(h[148..<156])
        var sum: UInt64 = 0
        for (i, b) in h.enumerated() { sum += (148..<156).contains(i) ? 0x20 : UInt64(b) }
        return stored == sum
    }
}
