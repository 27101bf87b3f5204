import Testing
import TLSSessions

@Suite("TLS sentences: every variant in the format document")
struct TLSSentenceTests {
    static func success(_ p: String, _ c: String = "CALG_AES_128", _ cb: Int = 128, _ h: String = "CALG_SHA_256", _ hb: Int = 0,
                        _ k: String = "CALG_ECDH_EPHEM", _ kb: Int = 256) -> String {
        "TLS protocol \(p) negotiation succeeded using bulk encryption algorithm \(c) with strength \(cb) bits, MAC hash algorithm \(h) with strength \(hb) bits and key exchange algorithm \(k) with strength \(kb) bits"
    }

    struct ProtocolCase: Sendable, CustomTestStringConvertible {
        var token: String
        var proto: TLSProtocol
        var role: TLSRole
        var testDescription: String { token }
    }

    static let protocolCases: [ProtocolCase] = [
        .init(token: "SP_PROT_SSL2_SERVER", proto: .ssl2, role: .server),
        .init(token: "SP_PROT_SSL3_SERVER", proto: .ssl3, role: .server),
        .init(token: "SP_PROT_SSL3_CLIENT", proto: .ssl3, role: .client),
        .init(token: "SP_PROT_TLS1_0_SERVER", proto: .tls10, role: .server),
        .init(token: "SP_PROT_TLS1_SERVER", proto: .tls10, role: .server),
        .init(token: "SP_PROT_TLS1_0_CLIENT", proto: .tls10, role: .client),
        .init(token: "SP_PROT_TLS1_1_SERVER", proto: .tls11, role: .server),
        .init(token: "SP_PROT_TLS1_1_CLIENT", proto: .tls11, role: .client),
        .init(token: "SP_PROT_TLS1_2_SERVER", proto: .tls12, role: .server),
        .init(token: "SP_PROT_TLS1_2_CLIENT", proto: .tls12, role: .client),
        .init(token: "SP_PROT-TLS1_2_CLIENT", proto: .tls12, role: .client),
        .init(token: "SP_PROT-TLS1_0_CLIENT", proto: .tls10, role: .client),
        .init(token: "SP_PROT_TLS1_3_SERVER", proto: .tls13, role: .server),
        .init(token: "SP_PROT_TLS1_3_CLIENT", proto: .tls13, role: .client),
        .init(token: "4096", proto: .tls13, role: .server),
        .init(token: "8192", proto: .tls13, role: .client),
        .init(token: "16", proto: .ssl3, role: .server),
        .init(token: "32", proto: .ssl3, role: .client),
        .init(token: "64", proto: .tls10, role: .server),
        .init(token: "128", proto: .tls10, role: .client),
        .init(token: "256", proto: .tls11, role: .server),
        .init(token: "512", proto: .tls11, role: .client),
        .init(token: "1024", proto: .tls12, role: .server),
        .init(token: "2048", proto: .tls12, role: .client),
        .init(token: "4", proto: .ssl2, role: .server),
        .init(token: "8", proto: .ssl2, role: .client),
    ]

    @Test("protocol and role from every spelling", arguments: protocolCases)
    func protocolSpellings(_ c: ProtocolCase) throws {
        guard case .negotiated(let n) = TLSSentence.classify(text: Self.success(c.token)) else {
            Issue.record("not recognised: \(c.token)")
            return
        }
        #expect(n.protocolVersion == c.proto)
        #expect(n.role == c.role)
    }

    @Test("the suite's algorithms and strengths are kept as logged")
    func suite() {
        let text = Self.success("SP_PROT_TLS1_2_SERVER", "CALG_AES_256", 256, "CALG_SHA_384", 0, "CALG_ECDHE", 384)
        #expect(TLSSentence.classify(text: text) == .negotiated(Negotiation(
            protocolVersion: .tls12, role: .server, cipher: "CALG_AES_256", cipherBits: 256, mac: "CALG_SHA_384",
            macBits: 0, keyExchange: "CALG_ECDHE", keyExchangeBits: 384)))
    }

    @Test("CALG_ECDHE and CALG_ECDH_EPHEM stay distinct, as logged", arguments: ["CALG_ECDHE", "CALG_ECDH_EPHEM"])
    func keyExchangeSpelling(_ kx: String) {
        guard case .negotiated(let n) = TLSSentence.classify(text: Self.success("SP_PROT_TLS1_2_SERVER", k: kx)) else {
            Issue.record("not recognised")
            return
        }
        #expect(n.keyExchange == kx)
    }

    @Test("decimal ALG_ID values map to CALG names", arguments: [
        ("26126", "CALG_AES_128"), ("26128", "CALG_AES_256"), ("26625", "CALG_RC4"), ("26115", "CALG_3DES"),
        ("32772", "CALG_SHA1"), ("32780", "CALG_SHA_256"), ("32781", "CALG_SHA_384"), ("41984", "CALG_RSA_KEYX"),
        ("43522", "CALG_DH_EPHEM"), ("44550", "CALG_ECDH_EPHEM"), ("12345", "12345"),
    ])
    func decimalAlgorithms(_ id: String, _ name: String) {
        #expect(Algorithms.name(forToken: id) == name)
        let text = Self.success("SP_PROT_TLS1_2_SERVER", id, 128, id, 0, id, 256)
        guard case .negotiated(let n) = TLSSentence.classify(text: text) else {
            Issue.record("not recognised")
            return
        }
        #expect(n.cipher == name && n.mac == name && n.keyExchange == name)
    }

    @Test("failures keep the error as logged", arguments: ["UnknownCredentials", "NoCredentials", "SocketError", "IllegalMessage", "AlgorithmMismatch"])
    func failures(_ error: String) {
        #expect(TLSSentence.classify(text: "TLS negotiation failed with error \(error)") == .failed(error: error))
    }

    @Test("unknown shapes are kept verbatim as unrecognised, never dropped", arguments: [
        "TLS protocol SP_PROT_DTLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 256 bits",
        "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded",
        "TLS session resumed",
        "TLS negotiation failed with error ",
    ])
    func unrecognised(_ text: String) {
        #expect(TLSSentence.classify(text: text) == .unrecognized(text))
    }

    @Test("sentences not starting with 'TLS ' are not TLS sentences", arguments: ["TlsDomainCapabilities='None'; Status='NoRemoteCertificate'", "Sending certificate", ""])
    func notTLS(_ text: String) {
        #expect(TLSSentence.classify(text: text) == nil)
    }

    @Test("legacy is anything below TLS 1.2")
    func legacy() {
        #expect(TLSProtocol.allCases.filter(\.isLegacy) == [.pct1, .ssl2, .ssl3, .tls10, .tls11])
    }
}

extension TLSSentenceTests {
    static func success(_ p: String, k: String) -> String { success(p, "CALG_AES_128", 128, "CALG_SHA_256", 0, k, 256) }
}
