import Foundation
import Ingest
import LogScanner
import Reports
import Store
import Testing
import TestSupport
import TLSSessions

/// Shapes that real published logs showed and the generator did not: refused logins, probes,
/// files of nothing but bad rows, sessions left open, masked endpoints. Every line here is
/// written by hand in the shapes docs/formats.md gives.
@Suite("Real-log shapes: refused logins, probes, bad files, open sessions, masked endpoints")
struct RealLogShapesTests {
    static let tls10 = "\"TLS protocol SP_PROT_TLS1_0_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA1 with strength 160 bits and key exchange algorithm CALG_RSA_KEYX with strength 2048 bits\""

    static func query(_ db: String, _ sql: String) throws -> [[String]] {
        try ReadOnlyQuery(path: db).run(sql).rows.map { $0.map(\.text) }
    }

    static func value(_ db: String, _ sql: String) throws -> SQLValue? {
        try ReadOnlyQuery(path: db).run(sql).rows.first?.first
    }

    /// A refused login (twice, then the user name, then 535), a success after a refusal in the same
    /// session, and an older build's `authenticated` row.
    static func authLog() -> LogText {
        var log = LogText()
        log.header()
        let client = "203.0.113.50:40000"
        // 01: TLS 1.0, AUTH LOGIN refused: never authenticated.
        log.row(session: "01", seq: 0, remote: client, "+")
        log.row(session: "01", seq: 1, remote: client, "<", "EHLO spray.example")
        log.row(session: "01", seq: 2, remote: client, "<", "STARTTLS")
        log.row(session: "01", seq: 3, remote: client, ">", "220 2.0.0 SMTP server ready")
        log.row(session: "01", seq: 4, remote: client, "*", "", tls10)
        log.row(session: "01", seq: 5, remote: client, "<", "AUTH LOGIN")
        log.row(session: "01", seq: 6, remote: client, "*", "", "Inbound AUTH LOGIN failed because of LogonDenied")
        log.row(session: "01", seq: 7, remote: client, "*", "", "Inbound AUTH LOGIN failed because of LogonDenied")
        log.row(session: "01", seq: 8, remote: client, "*", "", "User Name: someone@contoso.com")
        log.row(session: "01", seq: 9, remote: client, ">", "535 5.7.3 Authentication unsuccessful")
        log.row(session: "01", seq: 10, remote: client, "-", "", "Remote(SocketError)")
        // 02: refused as one user, then accepted as another.
        log.row(session: "02", seq: 0, remote: client, "+")
        log.row(session: "02", seq: 1, remote: client, "<", "EHLO spray.example")
        log.row(session: "02", seq: 2, remote: client, "*", "", tls10)
        log.row(session: "02", seq: 3, remote: client, "<", "AUTH LOGIN")
        log.row(session: "02", seq: 4, remote: client, "*", "", "Inbound AUTH LOGIN failed because of LogonDenied")
        log.row(session: "02", seq: 5, remote: client, "*", "", "User Name: admin@contoso.com")
        log.row(session: "02", seq: 6, remote: client, ">", "535 5.7.3 Authentication unsuccessful")
        log.row(session: "02", seq: 7, remote: client, "<", "AUTH LOGIN")
        log.row(session: "02", seq: 8, remote: client, "*", "", "User Name: scanner@contoso.com")
        log.row(session: "02", seq: 9, remote: client, ">", "235 2.7.0 Authentication successful")
        log.row(session: "02", seq: 10, remote: client, "<", "MAIL FROM:<scanner@contoso.com>")
        log.row(session: "02", seq: 11, remote: client, "-", "", "Local")
        // 03: a 535 with no failure row (the mechanism comes from the AUTH command).
        log.row(session: "03", seq: 0, remote: "203.0.113.51:40001", "+")
        log.row(session: "03", seq: 1, remote: "203.0.113.51:40001", "<", "EHLO other.example")
        log.row(session: "03", seq: 2, remote: "203.0.113.51:40001", "<", "AUTH NTLM")
        log.row(session: "03", seq: 3, remote: "203.0.113.51:40001", ">", "535 5.7.3 Authentication unsuccessful")
        log.row(session: "03", seq: 4, remote: "203.0.113.51:40001", "-", "", "Local")
        return log
    }

    @Test("a refused login is not the session's user; a success after it is; each refusal is kept")
    func refusedLoginSessions() {
        let (done, _, _) = SessionTrackerTests.track(Self.authLog())
        #expect(done.count == 3)
        #expect(done[0].authUser == nil, "LogonDenied then User Name is not an authentication")
        #expect(done[0].distinctAuthFailures.map(\.user) == [ByteString("someone@contoso.com")])
        #expect(done[0].distinctAuthFailures.map(\.mechanism) == ["LOGIN"])
        #expect(done[0].distinctAuthFailures.map(\.error) == ["LogonDenied"])
        #expect(done[0].authFailures.count == 2, "both failure rows are kept; the 535 after them adds none")
        #expect(done[1].authUser == "scanner@contoso.com")
        #expect(done[1].distinctAuthFailures.map(\.user) == [ByteString("admin@contoso.com")])
        #expect(done[2].authUser == nil)
        #expect(done[2].distinctAuthFailures.map(\.mechanism) == ["NTLM"])
        #expect(done[2].distinctAuthFailures.map(\.error) == ["535 5.7.3 Authentication unsuccessful"])
    }

    @Test("auth_failures counts refused logins per party and user; legacy lists only authenticated users")
    func authFailuresView() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("a.sqlite")
        _ = try ingest([try dir.write("EX01/RECV.LOG", Self.authLog().bytes())], db: db, server: "EX01")
        let rows = try Self.query(db, """
            SELECT day, log_type, connector, remote_ip, user, mechanism, error, sessions, server
            FROM auth_failures ORDER BY remote_ip, user
            """)
        #expect(rows == [
            ["2024-03-01", "receive", "EX01\\Default Frontend EX01", "203.0.113.50", "admin@contoso.com", "LOGIN", "LogonDenied", "1", "EX01"],
            ["2024-03-01", "receive", "EX01\\Default Frontend EX01", "203.0.113.50", "someone@contoso.com", "LOGIN", "LogonDenied", "1", "EX01"],
            ["2024-03-01", "receive", "EX01\\Default Frontend EX01", "203.0.113.51", "", "NTLM", "535 5.7.3 Authentication unsuccessful", "1", "EX01"],
        ])
        #expect(try Self.value(db, "SELECT user FROM auth_failures WHERE mechanism = 'NTLM'") == .null, "no user logged: NULL")
        let legacy = try LegacyReport().run(database: db).table
        let users = legacy.rows.map { $0[legacy.columns.firstIndex(of: "auth_users")!].text }
        #expect(users == ["scanner@contoso.com"], "someone@ and admin@ were refused")
        let summary = try SummaryReport(since: UTCDay("2024-03-01")!, until: UTCDay("2024-03-01")!).load(database: db)
        #expect(summary.totals.authFailureSessions == 3 && summary.totals.authFailureAddresses == 2)
        #expect(try SummaryReport.render(summary, as: .markdown).contains("Refused logins: 3 sessions from 2 addresses."))
    }

    /// Probes: connect and disconnect; EHLO and QUIT; and a real plaintext sender.
    static func probeLog() -> LogText {
        var log = LogText()
        log.header()
        for (i, probe) in ["198.51.100.200", "198.51.100.200", "198.51.100.201"].enumerated() {
            let id = "0\(i + 1)"
            log.row(session: id, remote: "\(probe):5000", "+")
            log.row(session: id, remote: "\(probe):5000", ">", "220 ex01.contoso.com Microsoft ESMTP MAIL Service ready")
            if i == 2 {
                log.row(session: id, remote: "\(probe):5000", "<", "EHLO monitor")
                log.row(session: id, remote: "\(probe):5000", "<", "QUIT")
            }
            log.row(session: id, remote: "\(probe):5000", "-", "", "Remote(SocketError)")
        }
        log.row(session: "10", remote: "192.0.2.77:5000", "+")
        log.row(session: "10", remote: "192.0.2.77:5000", "<", "HELO printer")
        log.row(session: "10", remote: "192.0.2.77:5000", "<", "MAIL FROM:<scan@contoso.com>")
        log.row(session: "10", remote: "192.0.2.77:5000", "-", "", "Local")
        // A TLS session that never sent mail (a monitor that checks STARTTLS).
        log.row(session: "11", remote: "198.51.100.202:5000", "+")
        log.row(session: "11", remote: "198.51.100.202:5000", "<", "EHLO tlscheck")
        log.row(session: "11", remote: "198.51.100.202:5000", "*", "", tls10)
        log.row(session: "11", remote: "198.51.100.202:5000", "-", "", "Local")
        return log
    }

    @Test("probes are not plaintext senders: activity none/greeted/mail, impact and summary count them apart")
    func probes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("p.sqlite")
        _ = try ingest([try dir.write("EX01/RECV.LOG", Self.probeLog().bytes())], db: db, server: "EX01")
        let plaintext = try Self.query(db, "SELECT remote_ip, activity, sessions FROM plaintext_sessions ORDER BY remote_ip, activity")
        #expect(plaintext == [
            ["192.0.2.77", "mail", "1"], ["198.51.100.200", "none", "2"], ["198.51.100.201", "greeted", "1"],
        ])
        #expect(try Self.query(db, "SELECT activity FROM negotiations") == [["greeted"]], "a TLS session that never sent mail")
        let impact = try ImpactReport().run(database: db)
        let ips = impact.table.rows.filter { $0[0].text == "plaintext_only" }.map { $0[2].text }
        #expect(ips == ["192.0.2.77"])
        #expect(impact.notes.contains("3 probe sessions from 2 addresses (connected without sending mail, no TLS) are not listed"))
        let summary = try SummaryReport(since: UTCDay("2024-03-01")!, until: UTCDay("2024-03-01")!).load(database: db)
        #expect(summary.plaintext.rows.map(\.remoteIP) == ["192.0.2.77"])
        #expect(summary.totals.probeSessions == 3 && summary.totals.probeAddresses == 2)
        #expect(try SummaryReport.render(summary, as: .markdown).contains("3 probe sessions from 2 addresses"))
    }

    @Test("a file of nothing but malformed rows enters the ledger with its samples, once")
    func onlyBadRows() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        for i in 0..<7 { log.raw("2024-03-01T10:00:0\(i).000Z,EX01\\Default,08DC3A000000000\(i),3") }
        let path = try dir.write("EX01/RECV2024030110-1.LOG", log.bytes())
        let db = dir.file("m.sqlite")
        let first = try ingest([path], db: db, server: "EX01")
        #expect(first.malformedRows == 7)
        #expect(first.inputsIngested == 1)
        #expect(first.render().contains("RECV2024030110-1.LOG:6:"), "an example with file and line")
        #expect(try Self.query(db, "SELECT records, malformed_rows FROM ingest_log") == [["0", "7"]])
        #expect(try Self.value(db, "SELECT COUNT(*) FROM malformed_rows") == .integer(7))
        let again = try ingest([path], db: db)
        #expect(again.malformedRows == 0 && again.inputsUnchanged == 1, "a re-run does not recount")
        #expect(try Self.query(db, "SELECT records, malformed_rows FROM ingest_log") == [["0", "7"]])
        #expect(try Self.value(db, "SELECT COUNT(*) FROM malformed_rows") == .integer(7))
        // Malformed rows before the first good one are not recounted either.
        var mixed = LogText()
        mixed.header()
        mixed.raw("2024-03-01T11:00:00.000Z,EX01\\Default,08DC3A0000000009,3")
        mixed.session("0A", remote: "192.0.2.1:1", at: "2024-03-01T11:00:01.000Z", ehlo: "x")
        let mixedPath = try dir.write("EX01/RECV2024030111-1.LOG", mixed.bytes())
        #expect(try ingest([mixedPath], db: db).malformedRows == 1)
        #expect(try ingest([mixedPath], db: db).malformedRows == 0)
    }

    @Test("sessions without a disconnect yet: the ingest says what that means; legacy mentions legacy ones")
    func openSessions() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        log.row(session: "01", remote: "192.0.2.60:1", "+")
        log.row(session: "01", remote: "192.0.2.60:1", "<", "EHLO slow.example")
        log.row(session: "01", remote: "192.0.2.60:1", "*", "", Self.tls10)
        let db = dir.file("o.sqlite")
        let summary = try ingest([try dir.write("EX01/RECV.LOG", log.bytes())], db: db, server: "EX01")
        #expect(summary.render().contains(
            "1 sessions have no disconnect row yet; they are kept for the next run (their logs may continue in a later file); `--finalize-open` counts them now"))
        #expect(try Self.query(db, "SELECT remote_ip, protocol, legacy, server FROM unfinished_sessions") == [["192.0.2.60", "TLS1.0", "1", "EX01"]])
        let legacy = try LegacyReport().run(database: db)
        #expect(legacy.table.rows.isEmpty)
        #expect(legacy.notes.first?.hasPrefix("1 sessions from 1 addresses negotiated legacy TLS but have no disconnect row yet") == true)
        let r = try Binary.run(["legacy", "--db", db])
        #expect(r.stderr.contains("--finalize-open"))
        let data = try SummaryReport(since: UTCDay("2024-03-01")!, until: UTCDay("2024-03-01")!).load(database: db)
        #expect(data.totals.unfinishedLegacySessions == 1)
    }

    @Test("absent endpoints are NULL; masked endpoints lose their port; thumbprint-only partners show")
    func endpointsAndThumbprints() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        let thumb = "89ABCDEF0123456789ABCDEF0123456789ABCDEF"
        log.row(session: "01", remote: "", "+")
        log.row(session: "01", remote: "", "<", "EHLO nowhere")
        log.row(session: "01", remote: "", "-")
        log.row(session: "02", remote: "x.x.x.x:25", "+")
        log.row(session: "02", remote: "x.x.x.x:25", "-")
        log.row(session: "03", remote: "10.**.**.168:25", "+")
        log.row(session: "03", remote: "10.**.**.168:25", "*", "", Self.tls10)
        log.row(session: "03", remote: "10.**.**.168:25", "*", "", "Remote certificate")
        log.row(session: "03", remote: "10.**.**.168:25", "*", thumb, "Certificate thumbprint")
        log.row(session: "03", remote: "10.**.**.168:25", "-")
        // A masked endpoint whose session goes on into the next file (an open session's text
        // address becomes a portable one and back).
        log.row(session: "04", remote: "172.16.**.**:25", "+")
        log.row(session: "04", remote: "172.16.**.**:25", "<", "EHLO masked.example")
        var next = LogText()
        next.header()
        next.row(session: "04", remote: "172.16.**.**:25", "-")
        let db = dir.file("e.sqlite")
        _ = try ingest(
            [try dir.write("EX01/RECV1.LOG", log.bytes()), try dir.write("EX01/RECV2.LOG", next.bytes())], db: db,
            server: "EX01")
        #expect(try Self.query(db, "SELECT remote_ip, ehlo FROM senders WHERE remote_ip LIKE '172.16.%'")
            == [["172.16.**.**", "masked.example"]])
        #expect(try Self.value(db, "SELECT COUNT(*) FROM plaintext_sessions WHERE remote_ip IS NULL") == .integer(1))
        #expect(try Self.value(db, "SELECT COUNT(*) FROM plaintext_sessions WHERE remote_ip = ''") == .integer(0))
        #expect(try Self.value(db, "SELECT COUNT(*) FROM senders WHERE remote_ip IS NULL AND ehlo = 'nowhere'") == .integer(1))
        #expect(try Self.query(db, "SELECT remote_ip FROM plaintext_sessions WHERE remote_ip IS NOT NULL ORDER BY remote_ip")
            == [["172.16.**.**"], ["x.x.x.x"]])
        #expect(try Self.query(db, "SELECT remote_ip, certificate_subjects, certificate_thumbprints FROM legacy_senders")
            == [["10.**.**.168", "", thumb]])
    }

    @Test("a summary of a day without data says so and names the days there are")
    func summaryWithoutData() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("n.sqlite")
        _ = try ingest([try dir.write("EX01/RECV.LOG", Self.probeLog().bytes())], db: db, server: "EX01")
        let data = try SummaryReport(since: UTCDay("2024-03-05")!, until: UTCDay("2024-03-05")!).load(database: db)
        #expect(!data.hasData)
        #expect(data.noDataSentence == "no data for 2024-03-05: the database has logs for 2024-03-01 (1 day)")
        let markdown = try SummaryReport.render(data, as: .markdown)
        #expect(markdown.contains("**No data.** No data for 2024-03-05"))
        #expect(!markdown.contains("0 sessions: ."))
        let html = try SummaryReport.render(data, as: .html)
        #expect(html.contains("no data") && !html.contains("<div class=\"value\">0</div>"), "tiles say no data, not 0")
    }
}

extension RealLogShapesTests {
    @Test("STARTTLS asked at the end of one hourly file and answered in the next is tls_unlogged, not a failure; a go-ahead nobody asked for is not TLS")
    func startTLSAcrossFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = "192.0.2.10:41000", b = "192.0.2.11:41001", c = "192.0.2.12:41002"
        var first = LogText()
        first.header()
        first.row(at: "2024-03-01T10:59:58.000Z", session: "11", seq: 0, remote: a, "+")
        first.row(at: "2024-03-01T10:59:58.100Z", session: "11", seq: 1, remote: a, "<", "EHLO old.example")
        first.row(at: "2024-03-01T10:59:59.900Z", session: "11", seq: 2, remote: a, "<", "STARTTLS")
        first.row(at: "2024-03-01T10:59:59.000Z", session: "12", seq: 0, remote: b, "+")
        first.row(at: "2024-03-01T10:59:59.100Z", session: "12", seq: 1, remote: b, "<", "EHLO plain.example")
        var second = LogText()
        second.header()
        // Exchange 2010 logs no negotiation row: the go-ahead is all there is.
        second.row(at: "2024-03-01T11:00:00.000Z", session: "11", seq: 3, remote: a, ">", "220 2.0.0 SMTP server ready")
        second.row(at: "2024-03-01T11:00:00.500Z", session: "11", seq: 4, remote: a, "<", "MAIL FROM:<a@old.example>")
        second.row(at: "2024-03-01T11:00:01.000Z", session: "11", seq: 5, remote: a, "-", "", "Local")
        second.row(at: "2024-03-01T11:00:01.000Z", session: "12", seq: 2, remote: b, "-", "", "Local")
        second.row(at: "2024-03-01T11:00:02.000Z", session: "13", seq: 0, remote: c, "+")
        second.row(at: "2024-03-01T11:00:02.100Z", session: "13", seq: 1, remote: c, "<", "EHLO odd.example")
        second.row(at: "2024-03-01T11:00:02.200Z", session: "13", seq: 2, remote: c, ">", "220 2.0.0 SMTP server ready")
        second.row(at: "2024-03-01T11:00:02.300Z", session: "13", seq: 3, remote: c, "-", "", "Local")
        let db = dir.file("t.sqlite")
        let files = [try dir.write("EX01/RECV2024030110-1.LOG", first.bytes()), try dir.write("EX01/RECV2024030111-1.LOG", second.bytes())]
        let summary = try ingest(files, db: db, server: "EX01")
        #expect(summary.sessions.sessionCount == 3)
        #expect(try Self.query(db, "SELECT remote_ip, sessions FROM negotiations WHERE protocol_unlogged = 1") == [["192.0.2.10", "1"]])
        #expect(try Self.query(db, "SELECT COUNT(*) FROM tls_failures") == [["0"]])
        #expect(try Self.query(db, "SELECT remote_ip FROM plaintext_sessions ORDER BY remote_ip") == [["192.0.2.11"], ["192.0.2.12"]])
    }
}

extension RealLogShapesTests {
    @Test("certificate rows after a rotation belong to the certificate the previous file announced: the partner's is kept, our own is not")
    func certificateAcrossFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = "192.0.2.20:42000", b = "192.0.2.21:42001"
        var first = LogText()
        first.header()
        for (session, remote, context) in [("21", a, "Remote certificate"), ("22", b, "Sending certificate")] {
            first.row(at: "2024-03-01T10:59:59.000Z", session: session, seq: 0, remote: remote, "+")
            first.row(at: "2024-03-01T10:59:59.100Z", session: session, seq: 1, remote: remote, "<", "EHLO partner.example")
            first.row(at: "2024-03-01T10:59:59.200Z", session: session, seq: 2, remote: remote, "*", "", Self.tls10)
            first.row(at: "2024-03-01T10:59:59.900Z", session: session, seq: 3, remote: remote, "*", "", context)
        }
        var second = LogText()
        second.header()
        for (session, remote) in [("21", a), ("22", b)] {
            second.row(at: "2024-03-01T11:00:00.000Z", session: session, seq: 4, remote: remote, "*", "CN=mx.partner.example", "Certificate subject")
            second.row(at: "2024-03-01T11:00:00.000Z", session: session, seq: 5, remote: remote, "*", "89ABCDEF0123456789ABCDEF0123456789ABCDEF", "Certificate thumbprint")
            second.row(at: "2024-03-01T11:00:00.500Z", session: session, seq: 6, remote: remote, "-", "", "Local")
        }
        let db = dir.file("t.sqlite")
        let files = [try dir.write("EX01/RECV2024030110-1.LOG", first.bytes()), try dir.write("EX01/RECV2024030111-1.LOG", second.bytes())]
        let summary = try ingest(files, db: db, server: "EX01")
        #expect(summary.sessions.sessionCount == 2)
        #expect(try Self.query(db, "SELECT remote_ip, certificate_subject, certificate_thumbprint FROM identities ORDER BY remote_ip")
            == [["192.0.2.20", "CN=mx.partner.example", "89ABCDEF0123456789ABCDEF0123456789ABCDEF"], ["192.0.2.21", "", ""]])
    }

    @Test("certificate rows of a session whose start no input holds are not attributed to anyone")
    func certificateWithoutContext() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = "192.0.2.30:43000"
        var log = LogText()
        log.header()
        log.row(at: "2024-03-01T11:00:00.000Z", session: "31", seq: 4, remote: a, "*", "CN=somebody.example", "Certificate subject")
        log.row(at: "2024-03-01T11:00:00.500Z", session: "31", seq: 5, remote: a, "-", "", "Local")
        let db = dir.file("t.sqlite")
        _ = try ingest([try dir.write("EX01/RECV2024030111-1.LOG", log.bytes())], db: db, server: "EX01", finalize: true)
        #expect(try Self.query(db, "SELECT remote_ip, certificate_subject FROM identities") == [["192.0.2.30", ""]])
    }
}

extension RealLogShapesTests {
    /// The views a session's logins and TLS show up in, each as sorted rows.
    static func loginViews(_ db: String) throws -> [String: [[String]]] {
        var views: [String: [[String]]] = [:]
        for view in ["auth_failures", "identities", "negotiations", "tls_failures", "plaintext_sessions"] {
            views[view] = try query(db, "SELECT * FROM \(view)").sorted { $0.lexicographicallyPrecedes($1) }
        }
        return views
    }

    @Test("a rotation anywhere in sessions that log in, are refused and succeed changes nothing: every split into two files gives the one file's views")
    func authenticationAcrossFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let whole = Self.authLog()
        var header = LogText()
        header.header()
        let rows = Array(whole.lines.dropFirst(header.lines.count))
        let oneFile = dir.file("whole.sqlite")
        _ = try ingest([try dir.write("whole/EX01/RECV2024030110-1.LOG", whole.bytes())], db: oneFile, server: "EX01")
        let expected = try Self.loginViews(oneFile)
        #expect(expected["auth_failures"]?.count == 3, "the one file's refusals, as authFailuresView reads them")
        for k in 1..<rows.count {
            var first = header
            first.lines += rows[..<k]
            var second = header
            second.lines += rows[k...]
            let db = dir.file("split\(k).sqlite")
            _ = try ingest([
                try dir.write("split\(k)/EX01/RECV2024030110-1.LOG", first.bytes()),
                try dir.write("split\(k)/EX01/RECV2024030111-1.LOG", second.bytes()),
            ], db: db, server: "EX01")
            let views = try Self.loginViews(db)
            for (view, rows) in expected {
                #expect(views[view] == rows, "\(view), split before row \(k): \(String(decoding: rows_k(k), as: UTF8.self))")
            }
        }
        func rows_k(_ k: Int) -> [UInt8] { rows[k] }
    }
}
