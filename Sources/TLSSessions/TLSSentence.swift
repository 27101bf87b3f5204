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
    public static func classify(_ field: FieldView) -> TLSSentence? {
        guard field.hasPrefix("TLS ") else { return nil }
        return classify(text: String(decoding: field.unescaped().bytes, as: UTF8.self))
    }

    /// Classifies sentence text (the context column, quotes removed).
    public static func classify(text raw: String) -> TLSSentence? {
        guard raw.hasPrefix("TLS ") else { return nil }
        let text = raw.trimmingCharacters(in: " .\r\t")
        if let error = text.removingPrefix("TLS negotiation failed with error ") {
            let value = error.trimmingCharacters(in: " .")
            return value.isEmpty ? .unrecognized(raw) : .failed(error: value)
        }
        return parseNegotiation(text).map(TLSSentence.negotiated) ?? .unrecognized(raw)
    }

    private static func parseNegotiation(_ text: String) -> Negotiation? {
        var cursor = Substring(text)
        func literal(_ s: String) -> Bool {
            guard cursor.hasPrefix(s) else { return false }
            cursor = cursor.dropFirst(s.count)
            return true
        }
        func token() -> String? {
            let end = cursor.firstIndex(of: " ") ?? cursor.endIndex
            let t = cursor[..<end]
            cursor = cursor[end...]
            return t.isEmpty ? nil : String(t)
        }
        func number() -> Int? { token().flatMap { Int($0) } }
        guard literal("TLS protocol "), let protoToken = token(),
            let (proto, role) = TLSProtocol.parseToken(protoToken),
            literal(" negotiation succeeded using bulk encryption algorithm "), let cipher = token(),
            literal(" with strength "), let cipherBits = number(), literal(" bits, MAC hash algorithm "),
            let mac = token(), literal(" with strength "), let macBits = number(),
            literal(" bits and key exchange algorithm "), let kx = token(), literal(" with strength "),
            let kxBits = number(), literal(" bits"), cursor.isEmpty
        else { return nil }
        return Negotiation(
            protocolVersion: proto, role: role, cipher: Algorithms.name(forToken: cipher), cipherBits: cipherBits,
            mac: Algorithms.name(forToken: mac), macBits: macBits, keyExchange: Algorithms.name(forToken: kx),
            keyExchangeBits: kxBits)
    }
}

extension String {
    func removingPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }

    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
