/// The remote parties sessions come from: each has an address, a name and habits, so that the
/// same client shows up with the same EHLO name and protocol choices across sessions.
struct Client {
    var address: String
    /// Bytes of the EHLO name (may be 8-bit or contain a quote).
    var ehlo: [UInt8]
    var senderDomain: String
    var user: String?
    /// Protocols this client negotiates, one picked per session.
    var protocols: [ProtocolChoice]
    /// Probability of a TLS failure, and of not using STARTTLS at all.
    var failureRate: Double
    var plaintextRate: Double
}

/// A protocol and how the log line spells it.
struct ProtocolChoice {
    var name: String  // SSL3, TLS1.0, ...
    var suite: Suite
}

/// A cipher suite as logged: cipher, MAC, key exchange and their strengths.
struct Suite {
    var cipher: String
    var cipherBits: Int
    var mac: String
    var macBits: Int
    var kx: String
    var kxBits: Int
}

enum Suites {
    static let modernGCM = Suite(cipher: "CALG_AES_256", cipherBits: 256, mac: "CALG_SHA_384", macBits: 0, kx: "CALG_ECDH_EPHEM", kxBits: 384)
    static let modernGCM128 = Suite(cipher: "CALG_AES_128", cipherBits: 128, mac: "CALG_SHA_256", macBits: 0, kx: "CALG_ECDH_EPHEM", kxBits: 256)
    static let olderECDHE = Suite(cipher: "CALG_AES_256", cipherBits: 256, mac: "CALG_SHA1", macBits: 160, kx: "CALG_ECDHE", kxBits: 256)
    static let rsaCBC = Suite(cipher: "CALG_AES_128", cipherBits: 128, mac: "CALG_SHA1", macBits: 160, kx: "CALG_RSA_KEYX", kxBits: 2048)
    static let rc4 = Suite(cipher: "CALG_RC4", cipherBits: 128, mac: "CALG_MD5", macBits: 128, kx: "CALG_RSA_KEYX", kxBits: 1024)
    static let tripleDES = Suite(cipher: "CALG_3DES", cipherBits: 168, mac: "CALG_SHA1", macBits: 160, kx: "CALG_DH_EPHEM", kxBits: 1024)
}

enum ClientPopulation {
    static func make(count: Int, random: inout SeededRandom, quirks: Bool) -> [Client] {
        var clients: [Client] = []
        let domains = ["example.org", "partner.example", "fabrikam.example", "contoso-mail.example", "tailspin.example",
                       "wingtip.example", "printers.local", "scanner.example", "legacy-erp.example", "northwind.example"]
        for i in 0..<count {
            let v6 = i % 7 == 3
            let address = v6 ? "2001:db8:\(i % 50 + 1)::\(String(i + 10, radix: 16))" : "198.51.\(i / 200 + 100).\(i % 200 + 1)"
            let domain = domains[i % domains.count]
            var ehlo = Array("mail\(i).\(domain)".utf8)
            if i % 11 == 5 { ehlo = Array("[\(address)]".utf8) }  // address literal
            if quirks && i % 13 == 6 { ehlo = Array("h".utf8) + [0xE9] + Array("lo\(i).example".utf8) }  // Latin-1 byte
            if quirks && i % 17 == 8 { ehlo = Array("odd\"name\(i).example".utf8) }  // needs CSV quoting
            let profile = i % 10
            var protocols: [ProtocolChoice]
            switch profile {
            case 0: protocols = [ProtocolChoice(name: "TLS1.0", suite: Suites.rsaCBC)]
            case 1: protocols = [ProtocolChoice(name: "TLS1.1", suite: Suites.olderECDHE), ProtocolChoice(name: "TLS1.2", suite: Suites.modernGCM128)]
            case 2: protocols = [ProtocolChoice(name: "TLS1.3", suite: Suites.modernGCM)]
            case 3: protocols = [ProtocolChoice(name: "SSL3", suite: Suites.rc4), ProtocolChoice(name: "TLS1.0", suite: Suites.tripleDES)]
            default: protocols = [ProtocolChoice(name: "TLS1.2", suite: random.chance(0.5) ? Suites.modernGCM : Suites.modernGCM128)]
            }
            clients.append(Client(
                address: address, ehlo: ehlo, senderDomain: domain, user: i % 9 == 4 ? "svc\(i)@contoso.com" : nil,
                protocols: protocols, failureRate: i % 8 == 7 ? 0.5 : 0.03, plaintextRate: i % 6 == 5 ? 0.7 : 0.05))
        }
        return clients
    }
}
