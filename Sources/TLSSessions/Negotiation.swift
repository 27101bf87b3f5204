/// One successful TLS handshake as the log describes it.
public struct Negotiation: Sendable, Hashable, Codable {
    public var protocolVersion: TLSProtocol
    public var role: TLSRole
    /// Bulk cipher (`CALG_AES_128`, ...), as logged or mapped from its ALG_ID.
    public var cipher: String
    public var cipherBits: Int
    /// MAC hash (`CALG_SHA_256`, ...); 0 bits is normal for AEAD (GCM) suites.
    public var mac: String
    public var macBits: Int
    /// Key exchange (`CALG_ECDH_EPHEM`, `CALG_RSA_KEYX`, ...).
    public var keyExchange: String
    public var keyExchangeBits: Int

    public init(
        protocolVersion: TLSProtocol, role: TLSRole, cipher: String, cipherBits: Int, mac: String, macBits: Int,
        keyExchange: String, keyExchangeBits: Int
    ) {
        self.protocolVersion = protocolVersion
        self.role = role
        self.cipher = cipher
        self.cipherBits = cipherBits
        self.mac = mac
        self.macBits = macBits
        self.keyExchange = keyExchange
        self.keyExchangeBits = keyExchangeBits
    }
}
