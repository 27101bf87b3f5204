/// Builds small protocol logs for tests: a header block and rows, CRLF by default.
public struct LogText {
    public var lines: [[UInt8]] = []
    public var lineEnd: [UInt8] = [0x0D, 0x0A]

    public static let fields =
        "date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context"

    public init() {}

    /// A header block; `bom` puts a byte-order mark before it.
    public mutating func header(_ type: String = "SMTP Receive Protocol Log", fields: String = LogText.fields, bom: Bool = true) {
        let block = [
            "#Software: Microsoft Exchange Server", "#Version: 15.0.0.0", "#Log-type: \(type)",
            "#Date: 2024-03-01T10:00:00.000Z", "#Fields: \(fields)",
        ]
        for (i, l) in block.enumerated() { lines.append((bom && i == 0 ? [0xEF, 0xBB, 0xBF] : []) + Array(l.utf8)) }
    }

    /// A raw line, exactly as given.
    public mutating func raw(_ line: String) { lines.append(Array(line.utf8)) }
    public mutating func raw(bytes: [UInt8]) { lines.append(bytes) }

    /// A record in the default column order; fields are written as given (quote them yourself).
    public mutating func row(
        at time: String = "2024-03-01T10:00:01.000Z", connector: String = "EX01\\Default Frontend EX01",
        session: String = "08DC3A0000000001", seq: Int = 0, local: String = "10.0.0.5:25",
        remote: String = "198.51.100.7:50001", _ event: String, _ data: String = "", _ context: String = ""
    ) {
        raw("\(time),\(connector),\(session),\(seq),\(local),\(remote),\(event),\(data),\(context)")
    }

    /// The log's bytes; `terminated: false` leaves the last line without its line end.
    public func bytes(terminated: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        for (i, l) in lines.enumerated() {
            out += l
            if terminated || i < lines.count - 1 { out += lineEnd }
        }
        return out
    }

    /// A whole receive session that sends mail: connect, EHLO, then `tls` (a protocol token such as
    /// `SP_PROT_TLS1_0_SERVER`), a failure error, or nothing (plaintext), then `MAIL FROM` and disconnect.
    /// `user` logs on (AUTH LOGIN, 235) after TLS; `certificate` is the client's certificate subject.
    public mutating func session(
        _ id: String, remote: String, at time: String, ehlo: String, tls: String? = nil, failure: String? = nil,
        connector: String = "EX01\\Default Frontend EX01", user: String? = nil, certificate: String? = nil
    ) {
        func r(_ event: String, _ data: String = "", _ context: String = "") {
            row(at: time, connector: connector, session: id, remote: remote, event, data, context)
        }
        r("+")
        r("<", "EHLO \(ehlo)")
        if let tls {
            r("<", "STARTTLS")
            r("*", "", "\"TLS protocol \(tls) negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA1 with strength 160 bits and key exchange algorithm CALG_RSA_KEYX with strength 2048 bits\"")
        } else if let failure {
            r("<", "STARTTLS")
            r("*", "", "TLS negotiation failed with error \(failure)")
        }
        if let certificate {
            r("*", "", "Received certificate")
            r("*", certificate, "Certificate subject")
        }
        if let user {
            r("<", "AUTH LOGIN")
            r("*", "", "User Name: \(user)")
            r(">", "235 2.7.0 Authentication successful")
        }
        r("<", "MAIL FROM:<postmaster@\(ehlo)>")
        r("-", "", "Local")
    }
}
