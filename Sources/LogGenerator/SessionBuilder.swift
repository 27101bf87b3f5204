import LogScanner

/// Decides what one session does and scripts its rows; returns the rows and the truth.
enum SessionBuilder {
    struct Stream {
        var server: String
        var modern: Bool
        var logType: LogType
        var connectors: [[UInt8]]
        var localAddress: String
    }

    static let errors = ["UnknownCredentials", "SocketError", "IllegalMessage", "AlgorithmMismatch"]

    static func build(
        stream: Stream, client: Client, sessionID: UInt64, start: Int64, random r: inout SeededRandom, quirks: Bool
    ) -> ([SessionScript.Line], GroundTruth.Session) {
        let receive = stream.logType == .receive
        let connector = receive && client.user != nil && stream.connectors.count > 1 ? stream.connectors[1] : r.pick(stream.connectors)
        let remoteEndpoint = client.address.contains(":") ? "[\(client.address)]:\(r.int(1024...65000))" : "\(client.address):\(r.int(1024...65000))"
        let localPort = receive ? (client.user != nil ? 587 : 25) : r.int(20000...60000)
        let local = stream.localAddress.contains(":") ? "[\(stream.localAddress)]:\(localPort)" : "\(stream.localAddress):\(localPort)"
        var s = SessionScript(
            server: stream.server, modern: stream.modern, logType: stream.logType, connector: connector,
            sessionID: sessionID, local: local, remote: receive ? remoteEndpoint : remoteEndpoint.replacingPort(25),
            remoteIP: client.address, start: start, quirks: quirks)
        var truth = GroundTruth.Session(
            server: stream.server, logType: stream.logType, connector: connector, sessionID: sessionID,
            remoteIP: client.address, outcome: "plaintext", outcomeTime: start)
        let ourName = "\(stream.server).contoso.com"
        func gap() -> Int64 { Int64(r.int(1...300)) }
        let hide = !receive  // send logs: the first rows have no local endpoint

        // Connect, banner, EHLO.
        s.row("+", "", "", gap: 0, hideLocal: hide)
        if receive {
            s.row("*", "SMTPSubmit SMTPAcceptAnyRecipient BypassAntiSpam", "Set Session Permissions", gap: gap())
            s.row(">", "220 \(ourName) Microsoft ESMTP MAIL Service ready at Fri, 1 Mar 2024", gap: gap())
            s.row("<", Array("EHLO ".utf8) + client.ehlo, gap: gap())
            truth.ehlo = client.ehlo
            ehloReply(&s, stream: stream, client: client, gap: gap())
        } else {
            s.row("<", "220 mx.\(client.senderDomain) ESMTP ready", gap: gap(), hideLocal: hide)
            s.row(">", "EHLO \(ourName)", gap: gap())
            truth.ehlo = Array(ourName.utf8)
            s.row("<", "250-mx.\(client.senderDomain) Hello", gap: gap())
            s.row("<", "250 STARTTLS", gap: gap())
        }

        // TLS, or not.
        let commandEvent = receive ? "<" : ">"
        let replyEvent = receive ? ">" : "<"
        var encrypted = false
        if r.chance(client.plaintextRate) {
            // No STARTTLS: plaintext.
        } else {
            s.row(commandEvent, "STARTTLS", gap: gap())
            s.row(replyEvent, "220 2.0.0 SMTP server ready", gap: gap())
            if r.chance(client.failureRate) {
                let error = r.pick(errors)
                s.row("*", "", "TLS negotiation failed with error \(error)", gap: gap())
                truth.outcome = "failed"
                truth.error = error
                truth.outcomeTime = s.now
                s.row("-", "", error == "SocketError" ? "Remote(SocketError)" : "Local", gap: gap())
                return (s.lines, truth)
            }
            certificateRows(&s, receive: receive, modern: stream.modern, client: client, truth: &truth, random: &r, gap: gap())
            let choice = r.pick(client.protocols)
            if !stream.modern && r.chance(0.5) {
                truth.outcome = "tls_unlogged"  // Exchange 2010 builds that do not log the suite
            } else {
                s.row("*", "", negotiationSentence(choice, receive: receive, modern: stream.modern, random: &r), gap: gap())
                truth.outcome = "tls"
                truth.outcomeTime = s.now
                truth.protocolName = choice.name
                truth.role = receive ? "server" : "client"
                truth.cipher = choice.suite.cipher
                truth.cipherBits = choice.suite.cipherBits
                truth.mac = choice.suite.mac
                truth.macBits = choice.suite.macBits
                truth.keyExchange = choice.suite.kx
                truth.keyExchangeBits = choice.suite.kxBits
            }
            encrypted = true
            if receive {
                s.row("<", Array("EHLO ".utf8) + client.ehlo, gap: gap())
                ehloReply(&s, stream: stream, client: client, gap: gap())
            } else {
                s.row(">", "EHLO \(ourName)", gap: gap())
            }
        }
        _ = encrypted

        // Authentication on the client submission connector.
        if receive, let user = client.user {
            s.row("<", "AUTH LOGIN", gap: gap())
            if r.chance(0.5) {
                s.row("*", user, "authenticated", gap: gap())
            } else {
                s.row("*", "", "User Name: \(user)", gap: gap())
            }
            s.row(">", "235 2.7.0 Authentication successful", gap: gap())
            truth.authUser = user
        }

        // One or two messages.
        let sender = receive ? "alice@\(client.senderDomain)" : "postmaster@contoso.com"
        let nullSender = receive && r.chance(0.05)
        for m in 0..<r.int(1...2) {
            s.row(commandEvent, nullSender ? "MAIL FROM:<> SIZE=\(r.int(500...90000))" : "MAIL FROM:<\(sender)> SIZE=\(r.int(500...90000))", gap: gap())
            if m == 0 { truth.senderDomain = nullSender ? "<>" : (receive ? client.senderDomain : "contoso.com") }
            s.row(replyEvent, "250 2.1.0 Sender OK", gap: gap())
            s.row(commandEvent, "RCPT TO:<bob@contoso.com>", gap: gap())
            s.row(replyEvent, "250 2.1.5 Recipient OK", gap: gap())
            s.row(commandEvent, "BDAT \(r.int(500...90000)) LAST", gap: Int64(r.int(10...2000)))
            s.row(replyEvent, "250 2.6.0 <\(r.int(1...999_999))@\(client.senderDomain)> Queued mail for delivery", gap: gap())
        }
        s.row(commandEvent, "QUIT", gap: gap())
        s.row(replyEvent, "221 2.0.0 Service closing transmission channel", gap: gap())
        s.row("-", "", "Local", gap: gap())
        if truth.outcome == "plaintext" || truth.outcome == "tls_unlogged" { truth.outcomeTime = start }
        return (s.lines, truth)
    }

    static func ehloReply(_ s: inout SessionScript, stream: Stream, client: Client, gap: Int64) {
        let name = "\(stream.server).contoso.com"
        if stream.modern {
            s.row(">", "250  \(name) Hello [\(client.address)] SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM 8BITMIME BINARYMIME CHUNKING SMTPUTF8", gap: gap)
        } else {
            for part in ["250-\(name) Hello [\(client.address)]", "250-SIZE", "250-PIPELINING", "250-STARTTLS", "250-AUTH NTLM", "250 CHUNKING"] {
                s.row(">", part, gap: 1)
            }
        }
    }

    static func certificateRows(
        _ s: inout SessionScript, receive: Bool, modern: Bool, client: Client, truth: inout GroundTruth.Session,
        random r: inout SeededRandom, gap: Int64
    ) {
        // A certificate belongs to its holder and is the same in every session, as a real one
        // is for months: this server's own, or the partner's (named by its sender domain).
        // The forty draws that once made a thumbprint per session are still taken, so that every
        // other value of a corpus stays what earlier versions wrote with the same seed
        // (benchmark corpora and their figures compare across versions).
        for _ in 0..<40 { _ = r.next() }
        let thumbprint = Self.thumbprint(of: receive ? s.server : client.senderDomain)
        if receive {
            // Our own certificate: logged, but it is not the remote party's.
            if modern {
                s.row("*", " CN=\(s.server).contoso.com CN=Contoso CA 12AB34 \(thumbprint) 2023-01-01T00:00:00.000Z 2026-01-01T00:00:00.000Z \(s.server).contoso.com;mail.contoso.com",
                      "Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names", gap: gap)
            } else {
                s.row("*", "", "Sending certificate", gap: gap)
                s.row("*", "CN=\(s.server).contoso.com", "Certificate subject", gap: 1)
                s.row("*", thumbprint, "Certificate thumbprint", gap: 1)
            }
            return
        }
        let subject = "CN=mx.\(client.senderDomain)"
        if modern && r.chance(0.5) {
            s.row("*", " \(subject) CN=Partner Issuing CA 0A0B0C \(thumbprint) 2023-01-01T00:00:00.000Z 2026-01-01T00:00:00.000Z mx.\(client.senderDomain)",
                  "Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names", gap: gap)
        } else {
            s.row("*", "", "Remote certificate", gap: gap)
            s.row("*", subject, "Certificate subject", gap: 1)
            s.row("*", "CN=Partner Issuing CA", "Certificate issuer name", gap: 1)
            s.row("*", "0A0B0C", "Certificate serial number", gap: 1)
            s.row("*", thumbprint, "Certificate thumbprint", gap: 1)
            s.row("*", "mx.\(client.senderDomain)", "Certificate alternate names", gap: 1)
        }
        truth.certificateSubject = subject
        truth.certificateThumbprint = thumbprint
    }

    /// Forty hex digits that stand for `holder`'s certificate: drawn from a generator seeded by
    /// the holder's name (FNV-1a), so the same holder always shows the same thumbprint.
    static func thumbprint(of holder: String) -> String {
        var seed = FNV1a64()
        var name = holder
        name.withUTF8 { seed.combine(UnsafeRawBufferPointer($0)) }
        var digits = SeededRandom(seed: seed.value)
        return String((0..<40).map { _ in "0123456789ABCDEF".randomElement(using: &digits)! })
    }

    /// The negotiation sentence, in the spellings real logs use.
    static func negotiationSentence(_ choice: ProtocolChoice, receive: Bool, modern: Bool, random r: inout SeededRandom) -> String {
        let version: String
        switch choice.name {
        case "SSL3": version = "SSL3"
        case "TLS1.0": version = "TLS1_0"
        case "TLS1.1": version = "TLS1_1"
        case "TLS1.2": version = "TLS1_2"
        default: version = "TLS1_3"
        }
        let role = receive ? "SERVER" : "CLIENT"
        var proto = "SP_PROT_\(version)_\(role)"
        if !receive && r.chance(0.2) { proto = "SP_PROT-\(version)_\(role)" }  // the hyphen spelling
        if version == "TLS1_3" && r.chance(0.5) { proto = receive ? "4096" : "8192" }  // enum value unknown to .NET
        var suite = choice.suite
        if r.chance(0.1), let id = Algorithms.numeric[suite.cipher] { suite.cipher = String(id) }
        if !modern && suite.kx == "CALG_ECDH_EPHEM" { suite.kx = "CALG_ECDH_EPHEM" }
        return "TLS protocol \(proto) negotiation succeeded using bulk encryption algorithm \(suite.cipher) with strength \(suite.cipherBits) bits, MAC hash algorithm \(suite.mac) with strength \(suite.macBits) bits and key exchange algorithm \(suite.kx) with strength \(suite.kxBits) bits"
    }
}

enum Algorithms {
    static let numeric: [String: Int] = ["CALG_AES_128": 26126, "CALG_AES_256": 26128, "CALG_RC4": 26625, "CALG_3DES": 26115]
}

extension String {
    func replacingPort(_ port: Int) -> String {
        guard let colon = lastIndex(of: ":") else { return self }
        return String(self[..<colon]) + ":\(port)"
    }
}
