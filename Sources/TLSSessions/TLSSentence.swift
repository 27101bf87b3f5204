import LogScanner

/// What a `TLS ...` sentence in the context column says.
public enum TLSSentence: Sendable, Equatable {
    /// `TLS protocol {P} negotiation succeeded using bulk encryption algorithm {C} with strength
    /// {n} bits, MAC hash algorithm {H} with strength {n} bits and key exchange algorithm {K} with
    /// strength {n} bits`.
    case negotiated(Negotiation)
    /// `TLS negotiation failed with error {X}`: X kept as logged.
    case failed(error: String)
    /// A sentence starting with `TLS ` that matches neither shape: kept verbatim, counted.
    case unrecognized(String)

    /// Classifies a sentence; `nil` when it does not start with `TLS ` (not a TLS sentence).
    /// Works on the field's bytes without copying them; only the values kept become strings.
    public static func classify(_ field: FieldView) -> TLSSentence? {
        guard field.hasPrefix("TLS ") else { return nil }
        if let sentence = classify(bytes: field.bytes) { return sentence }
        return .unrecognized(String(decoding: field.unescaped().bytes, as: UTF8.self))
    }

    /// Classifies sentence text (the context column, quotes removed).
    public static func classify(text: String) -> TLSSentence? {
        guard text.hasPrefix("TLS ") else { return nil }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { classify(bytes: UnsafeRawBufferPointer($0)) } ?? .unrecognized(text)
    }

    /// The two known shapes; nil for anything else.
    static func classify(bytes: UnsafeRawBufferPointer) -> TLSSentence? {
        var c = ByteCursor(bytes)
        c.trimTrailing()
        if c.literal("TLS negotiation failed with error ") {
            guard let error = c.rest(), !error.isEmpty else { return nil }
            return .failed(error: String(decoding: error, as: UTF8.self))
        }
        guard c.literal("TLS protocol "), let protoToken = c.token(),
            let (proto, role) = TLSProtocol.parse(token: protoToken),
            c.literal(" negotiation succeeded using bulk encryption algorithm "), let cipher = c.token(),
            c.literal(" with strength "), let cipherBits = c.number(), c.literal(" bits, MAC hash algorithm "),
            let mac = c.token(), c.literal(" with strength "), let macBits = c.number(),
            c.literal(" bits and key exchange algorithm "), let kx = c.token(), c.literal(" with strength "),
            let kxBits = c.number(), c.literal(" bits"), c.isAtEnd
        else { return nil }
        return .negotiated(Negotiation(
            protocolVersion: proto, role: role, cipher: Algorithms.name(forToken: cipher), cipherBits: cipherBits,
            mac: Algorithms.name(forToken: mac), macBits: macBits, keyExchange: Algorithms.name(forToken: kx),
            keyExchangeBits: kxBits))
    }
}

/// Reads a sentence left to right: literals, space-delimited tokens, decimal numbers.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    var end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.end = bytes.count
    }

    var isAtEnd: Bool { position == end }

    /// Drops trailing spaces, tabs, CR and a final period.
    mutating func trimTrailing() {
        while end > position, [0x20, 0x09, 0x0D, 0x2E].contains(bytes[end - 1]) { end -= 1 }
    }

    mutating func literal(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard end - position >= n else { return false }
        let p = s.utf8Start
        for i in 0..<n where bytes[position + i] != p[i] { return false }
        position += n
        return true
    }

    mutating func token() -> UnsafeRawBufferPointer? {
        let start = position
        while position < end, bytes[position] != 0x20 { position += 1 }
        return position > start ? UnsafeRawBufferPointer(rebasing: bytes[start..<position]) : nil
    }

    mutating func number() -> Int? {
        guard let t = token(), t.count <= 9 else { return nil }
        var v = 0
        for b in t {
            let d = b &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    mutating func rest() -> UnsafeRawBufferPointer? {
        defer { position = end }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<end])
    }
}
