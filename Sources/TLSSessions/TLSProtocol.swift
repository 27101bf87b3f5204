/// A negotiated protocol version, as Schannel names it.
public enum TLSProtocol: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case pct1 = "PCT1"
    case ssl2 = "SSL2"
    case ssl3 = "SSL3"
    case tls10 = "TLS1.0"
    case tls11 = "TLS1.1"
    case tls12 = "TLS1.2"
    case tls13 = "TLS1.3"

    /// The name stored and printed: `SSL2`, `SSL3`, `TLS1.0`, `TLS1.1`, `TLS1.2`, `TLS1.3` (or `PCT1`).
    public var name: String { rawValue }

    /// Below TLS 1.2: what administrators want to switch off.
    public var isLegacy: Bool { self < .tls12 }

    /// Oldest first (the order of the cases).
    @usableFromInline var rank: Int {
        switch self {
        case .pct1: return 0
        case .ssl2: return 1
        case .ssl3: return 2
        case .tls10: return 3
        case .tls11: return 4
        case .tls12: return 5
        case .tls13: return 6
        }
    }

    public static func < (a: TLSProtocol, b: TLSProtocol) -> Bool { a.rank < b.rank }

    /// Protocol names oldest first (`SSL3`, `TLS1.0`), other texts after them in byte order: lists
    /// read back in whatever order rows came print the same every time.
    public static func oldestFirst(_ names: [String]) -> [String] {
        names.sorted { a, b in
            switch (TLSProtocol(rawValue: a), TLSProtocol(rawValue: b)) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.utf8.lexicographicallyPrecedes(b.utf8)
            }
        }
    }

    /// By case, not by name (a raw-value enum would otherwise hash its string).
    public func hash(into hasher: inout Hasher) { hasher.combine(UInt8(truncatingIfNeeded: rank)) }

    /// Parses a stored name (`TLS1.0`) or a common spelling (`tls1_0`, `TLS10`, `tls1.2`).
    public init?(name: String) {
        let key = String(name.uppercased().map { $0 == "_" ? "." : $0 })
        switch key {
        case "PCT1": self = .pct1
        case "SSL2": self = .ssl2
        case "SSL3": self = .ssl3
        case "TLS1.0", "TLS1", "TLS10": self = .tls10
        case "TLS1.1", "TLS11": self = .tls11
        case "TLS1.2", "TLS12": self = .tls12
        case "TLS1.3", "TLS13": self = .tls13
        default: return nil
        }
    }
}

/// Which side of the handshake this server played.
public enum TLSRole: String, Sendable, Hashable, Codable {
    /// `_SERVER`: this server accepted the connection (receive logs).
    case server
    /// `_CLIENT`: this server connected out (send logs).
    case client

    /// By case, not by name.
    public func hash(into hasher: inout Hasher) { hasher.combine(self == .server) }
}

extension TLSProtocol {
    /// Maps a Schannel `SP_PROT_*` bit (as .NET prints an enum value it lacks) to a version and role.
    public static func fromSchannelBits(_ bits: Int) -> (TLSProtocol, TLSRole)? {
        switch bits {
        case 1: return (.pct1, .server)
        case 2: return (.pct1, .client)
        case 4: return (.ssl2, .server)
        case 8: return (.ssl2, .client)
        case 16: return (.ssl3, .server)
        case 32: return (.ssl3, .client)
        case 64: return (.tls10, .server)
        case 128: return (.tls10, .client)
        case 256: return (.tls11, .server)
        case 512: return (.tls11, .client)
        case 1024: return (.tls12, .server)
        case 2048: return (.tls12, .client)
        case 4096: return (.tls13, .server)
        case 8192: return (.tls13, .client)
        default: return nil
        }
    }

    /// Parses `SP_PROT_TLS1_2_SERVER`, `SP_PROT-TLS1_2_CLIENT` (the hyphen spelling of
    /// Microsoft's guidance), `SP_PROT_TLS1_SERVER` (TLS 1.0) or a decimal Schannel bit.
    public static func parseToken(_ token: String) -> (TLSProtocol, TLSRole)? {
        var bytes = Array(token.utf8)
        return bytes.withUnsafeMutableBytes { parse(token: UnsafeRawBufferPointer($0)) }
    }

    /// ``parseToken(_:)`` over raw bytes, without allocating.
    static func parse(token t: UnsafeRawBufferPointer) -> (TLSProtocol, TLSRole)? {
        @inline(__always) func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b - 0x20 : b }
        if let first = t.first, first >= 0x30, first <= 0x39 {
            guard t.count <= 6 else { return nil }
            var v = 0
            for b in t {
                guard b >= 0x30, b <= 0x39 else { return nil }
                v = v * 10 + Int(b - 0x30)
            }
            return fromSchannelBits(v)
        }
        func matches(_ s: StaticString, at offset: Int) -> Bool {
            let n = s.utf8CodeUnitCount
            guard offset >= 0, offset + n <= t.count else { return false }
            for i in 0..<n where upper(t[offset + i]) != s.utf8Start[i] { return false }
            return true
        }
        guard t.count > 15, matches("SP_PROT", at: 0), t[7] == 0x5F || t[7] == 0x2D else { return nil }
        let role: TLSRole
        if matches("_SERVER", at: t.count - 7) {
            role = .server
        } else if matches("_CLIENT", at: t.count - 7) {
            role = .client
        } else {
            return nil
        }
        let versionLength = t.count - 15
        let versions: [(StaticString, TLSProtocol)] = [
            ("TLS1_2", .tls12), ("TLS1_3", .tls13), ("TLS1_0", .tls10), ("TLS1_1", .tls11), ("TLS1", .tls10),
            ("SSL3", .ssl3), ("SSL2", .ssl2), ("PCT1", .pct1),
        ]
        for (name, version) in versions where name.utf8CodeUnitCount == versionLength && matches(name, at: 8) {
            return (version, role)
        }
        return nil
    }
}
