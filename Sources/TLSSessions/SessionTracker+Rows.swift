import LogScanner

// What each kind of relevant row contributes to its session (docs/formats.md lists the rows).
extension SessionTracker {
    mutating func command(_ r: borrowing RecordView, _ key: LocalKey) {
        let data = r.data
        // The first letter picks the one verb to compare (record() let only these through).
        let first = (data.bytes.first ?? 0) | 0x20
        if (first == 0x65 && data.hasPrefixIgnoringCase("ehlo ")) || (first == 0x68 && data.hasPrefixIgnoringCase("helo ")) {
            // A session keeps its first greeting: a later one (after STARTTLS) is not interned.
            let s = touch(key, r)
            if open[slot: s].ehlo == nil {
                let name = data.isQuoted
                    ? tallies.tables.names.id(Self.firstToken(data, skip: 5))
                    : tallies.tables.names.id(UnsafeRawBufferPointer(rebasing: Self.token(data.bytes, skip: 5)))
                open[slot: s].ehlo = name
            }
            open[slot: s].activity = max(open[slot: s].activity, .greeted)
        } else if first == 0x6D && data.hasPrefixIgnoringCase("mail from:") {
            // And its first sender's domain: a later message's is not interned.
            let s = touch(key, r)
            if open[slot: s].senderDomain == nil {
                let domain = internSenderDomain(data)
                open[slot: s].senderDomain = domain
            }
            open[slot: s].activity = .mail
        } else if first == 0x61 && data.hasPrefixIgnoringCase("auth ") {
            let mechanism = tallies.tables.texts.id(
                String(decoding: Self.firstToken(data, skip: 5).bytes, as: UTF8.self).uppercased())
            update(key, r) {
                $0.authMechanism = mechanism
                $0.authAttemptStart = $0.authFailureCount
                $0.pendingUser = nil
            }
        } else if (first == 0x73 && data.hasPrefixIgnoringCase("starttls"))
            || (first == 0x78 && data.hasPrefixIgnoringCase("x-anonymoustls"))
        {
            update(key, r) { $0.startTLS = max($0.startTLS, .requested) }
        }
    }

    mutating func reply(_ r: borrowing RecordView, _ key: LocalKey) {
        let data = r.data
        if data.hasPrefix("220 2.0.0") {
            // The go-ahead for STARTTLS (or X-ANONYMOUSTLS), taken when it answers a request.
            // A session not open in this input began in an earlier one, where its request is:
            // the go-ahead is kept in this input's fragment and the join combines the two (a
            // rotation between the request and its answer made the session a failure).
            if let slot = open.slot(of: key), open[slot: slot].startTLS != .requested { return }
            update(key, r) { $0.startTLS = .accepted }
        } else if data.hasPrefix("235") {
            // Authentication successful: the user named in this attempt is the session's user.
            update(key, r) { f in
                if f.authUser == nil && f.pendingUser == nil && f.continuesEarlierAttempt { f.leadingSuccess = true }
                if f.authUser == nil { f.authUser = f.pendingUser }
                f.pendingUser = nil
            }
        } else if data.hasPrefix("535") {
            let text = String(decoding: data.unescaped().bytes.prefix(200), as: UTF8.self)
            let t = r.timestamp
            var failure: AuthFailure?
            let tables = tallies.tables
            update(key, r) { f in
                // The `… failed because of …` row, when logged, already said it (and better).
                guard f.authFailureCount == f.authAttemptStart else { return }
                failure = AuthFailure(
                    mechanism: tables.text(f.authMechanism) ?? "", error: text, user: tables.name(f.pendingUser), time: t)
                if f.refusalLeads { f.leadingAuthFailures += 1 }
                f.authFailureCount += 1
                f.pendingUser = nil
            }
            if let failure { authFailures[key, default: []].append(failure) }
        }
    }

    /// `Inbound AUTH LOGIN failed because of LogonDenied`: a refused login, with the user of the
    /// attempt when already named.
    mutating func authenticationFailed(_ r: borrowing RecordView, _ key: LocalKey, mechanism: String, error: String) {
        let t = r.timestamp
        var pending: Int32?
        update(key, r) { f in
            pending = f.pendingUser
            if f.refusalLeads { f.leadingAuthFailures += 1 }
            f.authFailureCount += 1
            f.pendingUser = nil
        }
        authFailures[key, default: []].append(AuthFailure(
            mechanism: mechanism, error: error, user: tallies.tables.name(pending), time: t))
    }

    /// A `User Name:` row: it names the user of the attempt it belongs to — a failure logged just
    /// before it (Exchange logs the failure first), or else the attempt still under way.
    mutating func userNamed(_ user: ByteString, _ r: borrowing RecordView, _ key: LocalKey) {
        let id = tallies.tables.names.id(user)
        var attemptStart = 0
        var continuesEarlier = false
        update(key, r) {
            attemptStart = $0.authAttemptStart
            continuesEarlier = $0.continuesEarlierAttempt
        }
        var failures = authFailures.removeValue(forKey: key) ?? []
        let (named, reachedFirst) = AuthFailure.nameLast(&failures, since: attemptStart, user: user)
        if !failures.isEmpty { authFailures[key] = failures }
        // Every refusal of this part named (or none): the row may also name the last refusals
        // of an attempt begun in an earlier input.
        if continuesEarlier && reachedFirst { update(key, r) { $0.leadingUser = id } }
        if named == 0 { update(key, r) { $0.pendingUser = id } }
    }

    mutating func information(_ r: borrowing RecordView, _ key: LocalKey) {
        let context = r.context
        let data = r.data
        let sentenceField = context.isEmpty ? data : context
        if sentenceField.hasPrefix("TLS ") {
            let t = r.timestamp
            switch knownSentence(sentenceField) {
            case .negotiated(let n, let protocolVersion):
                counts.negotiationRowsByRank[protocolVersion.rank] += 1
                update(key, r) {
                    $0.negotiation = n
                    $0.negotiationTime = t
                }
            case .failed(let error):
                counts.failureRows += 1
                update(key, r) {
                    $0.failure = error
                    $0.failureTime = t
                }
            case .unrecognized(let text):
                counts.unrecognizedTLSRows += 1
                noteUnrecognized(text, r)
            }
            return
        }
        guard let c = context.bytes.first else { return }
        switch c {
        case UInt8(ascii: "S"), UInt8(ascii: "R"):
            if context.hasPrefix("Sending certificate") {
                // Our own certificate: only noted, so the rows after it are not taken for the
                // remote party's (nothing of it is kept, so the one-row form is not parsed).
                update(key, r) { $0.certificateContext = .local }
            } else if context.hasPrefix("Remote certificate") || context.hasPrefix("Received certificate") {
                let parsed = context.count > "Remote certificate".utf8.count ? knownCertificate(data) : nil
                update(key, r) {
                    $0.certificateContext = .remote
                    if let parsed {
                        $0.certificateSubject = parsed.subject
                        $0.certificateThumbprint = parsed.thumbprint
                    }
                }
            }
        case UInt8(ascii: "C"):
            if context.hasPrefix("Certificate subject") {
                let value = tallies.tables.names.id(unescaping: data)
                update(key, r) { if Self.takesCertificateRow(&$0) { $0.certificateSubject = value } }
            } else if context.hasPrefix("Certificate thumbprint") {
                let value = tallies.tables.names.id(unescaping: data)
                update(key, r) { if Self.takesCertificateRow(&$0) { $0.certificateThumbprint = value } }
            }
        case UInt8(ascii: "U"):
            if context.hasPrefix("User Name: ") {
                userNamed(redacted(context.dropFirst(11).unescaped()), r, key)
            }
        case UInt8(ascii: "a"):
            if context.count == 13, context.hasPrefix("authenticated"), !data.isEmpty {
                let user = tallies.tables.names.id(redacted(data.unescaped()))
                update(key, r) {
                    $0.authUser = user
                    $0.pendingUser = nil
                }
            }
        case UInt8(ascii: "I"), UInt8(ascii: "O"):
            if let (mechanism, error) = AuthFailure.parse(sentence: context) {
                authenticationFailed(r, key, mechanism: mechanism, error: error)
            }
        default:
            if data.hasPrefix("User Name: ") {
                userNamed(redacted(data.dropFirst(11).unescaped()), r, key)
            }
        }
    }

    /// Whether a `Certificate subject` / `thumbprint` row describes the remote party's
    /// certificate: after `Remote certificate`, yes; after `Sending certificate`, no. A session
    /// that began in an earlier input and has shown no context row here may have had it at the
    /// end of that input (a rotation in the middle of the rows): the row is kept provisionally
    /// and the join decides (``SessionFragment/CertificateContext/inherited``).
    static func takesCertificateRow(_ s: inout OpenSession) -> Bool {
        switch s.certificateContext {
        case .remote, .inherited:
            return true
        case .none where s.startTime == nil:
            s.certificateContext = .inherited
            return true
        case .none, .local:
            return false
        }
    }

    private mutating func noteUnrecognized(_ text: String, _ r: borrowing RecordView) {
        if var entry = unrecognized[text] {
            entry.count += 1
            entry.firstTime = min(entry.firstTime, r.timestamp)
            entry.lastTime = max(entry.lastTime, r.timestamp)
            unrecognized[text] = entry
        } else if unrecognized.count < 1000 {
            unrecognized[text] = UnrecognizedSentence(
                text: text, logType: r.logType, count: 1, firstTime: r.timestamp, lastTime: r.timestamp,
                exampleLine: r.lineNumber)
        } else {
            counts.unrecognizedDropped += 1
        }
    }

    /// A user name as stored: unchanged, or with `redactUsers` its domain only.
    func redacted(_ user: ByteString) -> ByteString {
        redactUsers ? Redaction.userDomain(user) : user
    }

    /// The first space-delimited token after `skip` bytes, unescaped and copied (an EHLO name).
    static func firstToken(_ f: FieldView, skip: Int) -> ByteString {
        guard f.isQuoted else { return ByteString(Array(token(f.bytes, skip: skip))) }
        return f.unescaped().bytes.withUnsafeBytes { ByteString(Array(token($0, skip: skip))) }
    }

    /// The lower-cased domain of a `MAIL FROM:` argument; `<>` for the null sender, empty when
    /// the address has no domain.
    static func senderDomain(_ f: FieldView, skip: Int) -> ByteString {
        guard f.isQuoted else { return domain(of: token(f.bytes, skip: skip)) }
        return f.unescaped().bytes.withUnsafeBytes { domain(of: token($0, skip: skip)) }
    }

    /// The id of a `MAIL FROM:` argument's domain (``senderDomain(_:skip:)``): interned from the
    /// field's bytes when they need no change (no quotes, no upper case), so a repeat costs no
    /// allocation.
    mutating func internSenderDomain(_ f: FieldView) -> Int32 {
        if !f.isQuoted, let domain = Self.plainDomain(f.bytes, skip: 10) {
            return tallies.tables.names.id(domain)
        }
        return tallies.tables.names.id(Self.senderDomain(f, skip: 10))
    }

    /// ``domainPart(of:)`` of ``token(_:skip:)`` found with `memchr`, when the domain is
    /// there and needs no change (no upper case); nil for everything else (the null sender
    /// included), which the general path handles.
    @inline(__always)
    static func plainDomain(_ b: UnsafeRawBufferPointer, skip: Int) -> UnsafeRawBufferPointer? {
        guard let base = b.baseAddress else { return nil }
        let n = b.count
        var start = min(skip, n)
        while start < n, base.load(fromByteOffset: start, as: UInt8.self) == 0x20 { start &+= 1 }
        // The token's end, its first '>' and the last '@' before that, each by one `memchr`.
        let end = b.firstIndex(of: 0x20, in: start..<n) ?? n
        let close = b.firstIndex(of: 0x3E, in: start..<end)  // '>'
        let bracketed = start < end && base.load(fromByteOffset: start, as: UInt8.self) == 0x3C  // '<'
        // Without '<' the address runs to the token's end, '>' included: the general path.
        guard bracketed || close == nil else { return nil }
        let stop = close ?? end
        guard let at = b.lastIndex(of: 0x40, in: start..<stop), at > start else { return nil }  // '@'
        for i in (at &+ 1)..<stop where base.load(fromByteOffset: i, as: UInt8.self) &- 0x41 < 26 { return nil }
        return UnsafeRawBufferPointer(start: base.advanced(by: at &+ 1), count: stop &- at &- 1)
    }

    /// The bytes after `skip`, leading spaces dropped, up to the next space.
    @inline(__always)
    static func token(_ bytes: UnsafeRawBufferPointer, skip: Int) -> Slice<UnsafeRawBufferPointer> {
        var start = min(skip, bytes.count)
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        var end = start
        while end < bytes.count, bytes[end] != 0x20 { end += 1 }
        return bytes[start..<end]
    }

    static func domain(of token: Slice<UnsafeRawBufferPointer>) -> ByteString {
        guard let domain = domainPart(of: token) else { return ByteString("<>") }
        return ByteString(domain.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
    }

    /// The domain of an address token (`<user@domain>` or bare), as logged: nil for the null
    /// sender `<>`, empty when the address has no `@`.
    static func domainPart(of token: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer>? {
        var address = token
        if address.first == UInt8(ascii: "<") {
            address = address.dropFirst()
            if let close = address.firstIndex(of: UInt8(ascii: ">")) { address = address[..<close] }
        }
        if address.isEmpty { return nil }
        guard let at = address.lastIndex(of: UInt8(ascii: "@")) else { return address[address.endIndex...] }
        return address[(at + 1)...]
    }
}

// TLS sentences and certificate rows, parsed once per distinct text (RowCache).
extension SessionTracker {
    /// A TLS sentence as the tracker keeps it: the suite or error already interned.
    enum KnownSentence: Sendable {
        case negotiated(Int32, TLSProtocol)
        case failed(Int32)
        case unrecognized(String)
    }

    /// A remote certificate row's subject and thumbprint, interned.
    struct KnownCertificate: Sendable {
        var subject: Int32
        var thumbprint: Int32?
    }

    /// Classifies a field that starts with `TLS ` (parsed once per distinct text).
    mutating func knownSentence(_ field: FieldView) -> KnownSentence {
        sentences.result(for: field, tables: &tallies.tables) { f, tables in
            switch TLSSentence.classify(f) {
            case .negotiated(let n)?: return .negotiated(tables.negotiations.id(n), n.protocolVersion)
            case .failed(let error)?: return .failed(tables.texts.id(error))
            case .unrecognized(let text)?: return .unrecognized(text)
            case nil: return .unrecognized(String(decoding: f.unescaped().bytes, as: UTF8.self))
            }
        }
    }

    /// Parses a one-row remote certificate (once per distinct text).
    mutating func knownCertificate(_ field: FieldView) -> KnownCertificate {
        certificates.result(for: field, tables: &tallies.tables) { f, tables in
            let parsed = CertificateRow.parse(f)
            return KnownCertificate(
                subject: tables.names.id(parsed.subject), thumbprint: parsed.thumbprint.map { tables.names.id($0) })
        }
    }
}
