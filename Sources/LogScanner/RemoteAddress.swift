#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The address part of an endpoint, without port or brackets, stored without allocation.
///
/// Endpoints are `10.0.0.5:25` or `[2001:db8::1]:25`: never split on the first `:`.
/// An endpoint that is neither is kept verbatim as ``text(_:)``, so nothing is lost.
public enum RemoteAddress: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    case ipv4(UInt32)
    /// The 16 address bytes, big-endian, as two halves.
    case ipv6(UInt64, UInt64)
    case text(ByteString)
    /// The field was empty.
    case none

    /// One word that equal addresses share (a hash input, not an identity).
    @inline(__always)
    public var hashWord: UInt64 {
        switch self {
        case .ipv4(let v): return UInt64(v)
        case .ipv6(let hi, let lo): return hi ^ (lo &* 0x9E37_79B9_7F4A_7C15) ^ 1 << 63
        case .text(let s): return UInt64(bitPattern: Int64(s.hashValue))
        case .none: return 0xFFFF_FFFF_FFFF
        }
    }

    /// Parses an endpoint field (`address:port`, `[v6]:port`, or a bare address).
    public static func parse(endpoint f: FieldView) -> RemoteAddress {
        ipv4WithPort(f.bytes) ?? parse(endpointBytes: f.bytes)
    }

    /// ``parse(endpoint:)`` without the IPv4 shortcut: every shape.
    static func parse(endpointBytes b: UnsafeRawBufferPointer) -> RemoteAddress {
        guard !b.isEmpty else { return .none }
        if b[0] == UInt8(ascii: "[") {
            guard let close = b.firstIndex(of: UInt8(ascii: "]")) else { return verbatim(b) }
            let inside = UnsafeRawBufferPointer(rebasing: b[1..<close])
            return parseIPv6(inside) ?? (inside.isEmpty ? verbatim(b) : .text(ByteString(Array(inside))))
        }
        var colons = 0
        var lastColon = -1
        for i in 0..<b.count where b[i] == UInt8(ascii: ":") {
            colons += 1
            lastColon = i
        }
        if colons == 1 {
            return parseIPv4(UnsafeRawBufferPointer(rebasing: b[0..<lastColon])) ?? verbatim(b)
        }
        if colons == 0 { return parseIPv4(b) ?? verbatim(b) }
        return parseIPv6(b) ?? verbatim(b)
    }

    /// An endpoint that is not an address (masked `x.x.x.x:25`, `10.**.**.168:25`), kept as text
    /// without its trailing `:port`, so the same host masked the same way is one party.
    static func verbatim(_ b: UnsafeRawBufferPointer) -> RemoteAddress {
        var end = b.count
        if let colon = b.lastIndex(of: UInt8(ascii: ":")), colon > 0, colon < b.count - 1, b.count - colon <= 6,
            b[(colon + 1)...].allSatisfy({ $0 &- 0x30 < 10 })
        {
            end = colon
        }
        return .text(ByteString(Array(b[0..<end])))
    }

    /// Nearly every endpoint: `a.b.c.d:port`, read in one pass — four octets of one to three
    /// digits (at most 255), then one to five digits of port. Anything else is nil and takes
    /// the general path (which also reads, for instance, a bare address or a port of six digits).
    @inline(__always)
    static func ipv4WithPort(_ b: UnsafeRawBufferPointer) -> RemoteAddress? {
        guard let base = b.baseAddress else { return nil }
        let n = b.count
        var i = 0
        var value: UInt32 = 0
        for octetIndex in 0..<4 {
            var octet: UInt32 = 0
            let start = i
            while i < n {
                let d = base.load(fromByteOffset: i, as: UInt8.self) &- 0x30
                guard d < 10 else { break }
                octet = octet &* 10 &+ UInt32(d)
                i &+= 1
            }
            let digits = i &- start
            guard digits >= 1, digits <= 3, octet <= 255, i < n else { return nil }
            let separator = base.load(fromByteOffset: i, as: UInt8.self)
            guard separator == (octetIndex < 3 ? 0x2E : 0x3A) else { return nil }  // '.' or ':'
            value = value << 8 | octet
            i &+= 1
        }
        let port = n &- i
        guard port >= 1, port <= 5 else { return nil }
        while i < n {
            guard base.load(fromByteOffset: i, as: UInt8.self) &- 0x30 < 10 else { return nil }
            i &+= 1
        }
        return .ipv4(value)
    }

    static func parseIPv4(_ b: UnsafeRawBufferPointer) -> RemoteAddress? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for c in b {
            if c == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                octet = 0
                digits = 0
                dots += 1
            } else {
                let d = c &- 0x30
                guard d < 10, digits < 3 else { return nil }
                octet = octet * 10 + UInt32(d)
                guard octet <= 255 else { return nil }
                digits += 1
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return .ipv4(value << 8 | octet)
    }

    /// An IPv6 address of hex groups only (`2001:db8:15::784`; no embedded IPv4, no zone), read
    /// in one pass; anything else, ``ptonIPv6(_:)``.
    static func parseIPv6(_ b: UnsafeRawBufferPointer) -> RemoteAddress? {
        ipv6HexGroups(b) ?? ptonIPv6(b)
    }

    /// Eight groups of one to four hex digits separated by `:`, or fewer with one `::` standing
    /// for the zero groups that make eight — what `inet_pton` reads them as. Nil for every
    /// other text (a dotted IPv4 tail, a zone, anything malformed), which `inet_pton` then
    /// decides.
    static func ipv6HexGroups(_ b: UnsafeRawBufferPointer) -> RemoteAddress? {
        guard let base = b.baseAddress else { return nil }
        let n = b.count
        @inline(__always) func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }
        var i = 0
        // The groups read so far as one 128-bit number (hi, lo), the last group lowest; at `::`
        // they become the head, and the groups after it start again from zero.
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        var groups = 0
        var head: (hi: UInt64, lo: UInt64, groups: Int)?
        if n >= 2, byte(0) == 0x3A {
            guard byte(1) == 0x3A else { return nil }
            head = (0, 0, 0)
            i = 2
            if i == n { return .ipv6(0, 0) }
        }
        while true {
            var group: UInt64 = 0
            let start = i
            while i < n, i &- start < 5 {
                let c = byte(i)
                let digit: UInt8
                if c &- 0x30 < 10 {
                    digit = c &- 0x30
                } else if (c | 0x20) &- 0x61 < 6 {
                    digit = (c | 0x20) &- 0x61 &+ 10
                } else {
                    break
                }
                group = group << 4 | UInt64(digit)
                i &+= 1
            }
            let digits = i &- start
            guard digits >= 1, digits <= 4, groups + (head?.groups ?? 0) < 8 else { return nil }
            hi = hi << 16 | lo >> 48
            lo = lo << 16 | group
            groups += 1
            if i == n { break }
            guard byte(i) == 0x3A else { return nil }  // '.', '%', anything else
            i &+= 1
            if i < n, byte(i) == 0x3A {
                guard head == nil else { return nil }
                head = (hi, lo, groups)
                (hi, lo, groups) = (0, 0, 0)
                i &+= 1
                if i == n { break }
            }
            guard i < n else { return nil }  // a single ':' at the end
        }
        guard let head else { return groups == 8 ? .ipv6(hi, lo) : nil }
        guard head.groups + groups < 8 else { return nil }
        // The head moves up past the groups after it and the zero groups `::` stands for.
        let k = 16 * (8 - head.groups)
        let (headHi, headLo) = k >= 128 ? (0, 0) : k >= 64 ? (head.lo << (k - 64), 0) : (head.hi << k | head.lo >> (64 - k), head.lo << k)
        return .ipv6(headHi | hi, headLo | lo)
    }

    /// Any IPv6 text `inet_pton` reads (a zone index cut off first).
    static func ptonIPv6(_ b: UnsafeRawBufferPointer) -> RemoteAddress? {
        guard b.count > 1, b.count < 64 else { return nil }
        // A zone index (%eth0) is not part of the address.
        let end = b.firstIndex(of: UInt8(ascii: "%")) ?? b.count
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 65) { text in
            for i in 0..<end { text[i] = CChar(bitPattern: b[i]) }
            text[end] = 0
            var raw = (UInt64(0), UInt64(0))
            let ok = withUnsafeMutableBytes(of: &raw) { inet_pton(AF_INET6, text.baseAddress, $0.baseAddress) }
            guard ok == 1 else { return nil }
            return .ipv6(UInt64(bigEndian: raw.0), UInt64(bigEndian: raw.1))
        }
    }

    /// The address as text: dotted IPv4, RFC 5952 IPv6 (`2001:db8::1`), or the verbatim field.
    public var description: String {
        switch self {
        case .ipv4(let v):
            return "\(v >> 24).\(v >> 16 & 255).\(v >> 8 & 255).\(v & 255)"
        case .ipv6(let hi, let lo):
            var raw = (hi.bigEndian, lo.bigEndian)
            var out = [CChar](repeating: 0, count: 64)
            let ok = withUnsafeBytes(of: &raw) { inet_ntop(AF_INET6, $0.baseAddress, &out, 64) }
            guard ok != nil else { return "::" }
            return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        case .text(let s):
            return s.description
        case .none:
            return ""
        }
    }

    /// Appends the same text as ``description`` as bytes; IPv4 without any String (the commit
    /// path writes one per rollup row).
    public func appendText(to out: inout [UInt8]) {
        switch self {
        case .ipv4(let v):
            // A loop over the shifts (an array literal of them cost an allocation per address).
            var shift: UInt32 = 24
            while true {
                let octet = UInt8(truncatingIfNeeded: v >> shift)
                if octet >= 100 { out.append(0x30 + octet / 100) }
                if octet >= 10 { out.append(0x30 + octet / 10 % 10) }
                out.append(0x30 + octet % 10)
                if shift == 0 { break }
                out.append(0x2E)
                shift -= 8
            }
        case .ipv6:
            out.append(contentsOf: description.utf8)
        case .text(let s):
            out.append(contentsOf: s.bytes)
        case .none:
            break
        }
    }

    public static func < (a: RemoteAddress, b: RemoteAddress) -> Bool { a.description < b.description }
}
