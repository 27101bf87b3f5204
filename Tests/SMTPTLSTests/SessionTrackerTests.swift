import Foundation
import LogGenerator
import LogScanner
import Rollups
import Testing
import TestSupport
@testable import TLSSessions

@Suite("Sessions: what each row contributes")
struct SessionTrackerTests {
    final class Completed { var sessions: [SessionFragment] = [] }

    static func track(_ log: LogText) -> (completed: [SessionFragment], boundary: [SessionFragment], tracker: SessionTracker) {
        let completed = Completed()
        var tracker = SessionTracker(server: "EX01") { completed.sessions.append($0) }
        var scanner = RecordScanner()
        log.bytes().withUnsafeBytes { scanner.feed($0, into: &tracker) }
        scanner.finish(into: &tracker)
        let boundary = tracker.boundaryFragments()
        return (completed.sessions, boundary, tracker)
    }

    static let tls12 = "\"TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 256 bits\""
    static let tls10 = "\"TLS protocol SP_PROT_TLS1_0_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA1 with strength 160 bits and key exchange algorithm CALG_RSA_KEYX with strength 2048 bits\""

    /// Every key and count of tallies, decoded (ids differ between tallies that saw values in
    /// another order).
    static func decoded(_ t: SessionTallies) -> [String] {
        var rows: [String] = []
        t.outcomes.forEach { k, c in
            rows.append("o \(k.day) \(t.tables.connectors[k.connector]) \(t.tables.addresses[k.address]) \(k.outcome) \(k.negotiation.map { "\(t.tables.negotiations[$0])" } ?? "-") \(k.error.map { t.tables.texts[$0] } ?? "-") \(c)")
        }
        t.identities.forEach { k, c in
            let names = [k.ehlo, k.senderDomain, k.authUser, k.certificateSubject].map { $0.map { "\(t.tables.names[$0])" } ?? "-" }
            rows.append("i \(k.day) \(t.tables.addresses[k.address]) \(k.protocolVersion.map { "\($0)" } ?? "-") \(names) \(c)")
        }
        rows.append("coverage \(t.coverage.sorted { $0.key.hour < $1.key.hour }.map { "\($0.key.hour)=\($0.value)" })")
        for (k, c) in t.failedLogins {
            rows.append("refused \(k.day) \(t.tables.connectors[k.connector]) \(k.remote) \(k.user) \(k.mechanism) \(k.error) \(c)")
        }
        rows.append("values \(t.tables.mark)")
        return rows.sorted()
    }

    @Test("tallies carried into a second input and rolled back to its checkpoint are what the first left: keys, counts, times and interned values; the next input counts on as if it never came")
    func carriedTalliesRollBack() {
        /// A session whose login is refused (the same key in every input that has one).
        func refused(_ log: inout LogText, _ id: String, at time: String) {
            for (event, data, context) in [
                ("+", "", ""), ("<", "EHLO spray.example", ""), ("<", "AUTH LOGIN", ""), ("*", "", "User Name: victim@example.org"),
                (">", "535 5.7.8 Authentication unsuccessful", ""), ("-", "", "Local"),
            ] {
                log.row(at: time, session: id, remote: "203.0.113.66:4000", event, data, context)
            }
        }
        func firstSessions(_ log: inout LogText) {
            log.session("08DC3A0000000001", remote: "198.51.100.7:1", at: "2024-03-01T10:00:00.000Z", ehlo: "a.example", tls: "SP_PROT_TLS1_0_SERVER")
            log.session("08DC3A0000000002", remote: "198.51.100.8:1", at: "2024-03-01T10:00:05.000Z", ehlo: "b.example")
            refused(&log, "08DC3A0000000009", at: "2024-03-01T10:00:09.000Z")
        }
        func thirdSessions(_ log: inout LogText) {
            log.session("08DC3A0000000005", remote: "198.51.100.8:9", at: "2024-03-01T12:00:00.000Z", ehlo: "b.example", tls: "SP_PROT_TLS1_2_SERVER")
        }
        var first = LogText(), second = LogText(), third = LogText(), together = LogText()
        first.header()
        firstSessions(&first)
        // The second input repeats a key of the first (later, so its last time would move),
        // and brings new names, addresses, a failure text and another hour.
        second.header()
        second.session("08DC3A0000000003", remote: "198.51.100.7:2", at: "2024-03-01T10:30:00.000Z", ehlo: "a.example", tls: "SP_PROT_TLS1_0_SERVER")
        second.session("08DC3A0000000004", remote: "203.0.113.9:1", at: "2024-03-01T11:00:00.000Z", ehlo: "new.example", failure: "SEC_E_ALGORITHM_MISMATCH", user: "u@new.example")
        refused(&second, "08DC3A000000000A", at: "2024-03-01T11:30:00.000Z")
        second.row(at: "2024-03-01T11:40:00.000Z", session: "08DC3A000000000B", remote: "203.0.113.67:1", "+")
        second.row(at: "2024-03-01T11:40:00.000Z", session: "08DC3A000000000B", remote: "203.0.113.67:1", "<", "AUTH LOGIN")
        second.row(at: "2024-03-01T11:40:00.000Z", session: "08DC3A000000000B", remote: "203.0.113.67:1", "*", "", "User Name: other@example.org")
        second.row(at: "2024-03-01T11:40:01.000Z", session: "08DC3A000000000B", remote: "203.0.113.67:1", ">", "535 5.7.8 Authentication unsuccessful")
        second.row(at: "2024-03-01T11:40:02.000Z", session: "08DC3A000000000B", remote: "203.0.113.67:1", "-", "", "Local")
        third.header()
        thirdSessions(&third)
        together.header()
        firstSessions(&together)
        thirdSessions(&together)

        func scan(_ log: LogText, carrying carried: SessionTallies?) -> (SessionTallies, SessionTallies.Checkpoint?) {
            var tracker = SessionTracker(server: "EX01")
            var checkpoint: SessionTallies.Checkpoint?
            if let carried { checkpoint = tracker.continueTallies(carried) }
            var scanner = RecordScanner()
            log.bytes().withUnsafeBytes { scanner.feed($0, into: &tracker) }
            scanner.finish(into: &tracker)
            return (tracker.takeTallies(), checkpoint)
        }
        let (afterFirst, _) = scan(first, carrying: nil)
        let before = Self.decoded(afterFirst)
        #expect(afterFirst.failedLogins.count == 1, "the first input refuses one login")
        var (afterSecond, checkpoint) = scan(second, carrying: afterFirst)
        #expect(Self.decoded(afterSecond) != before)
        #expect(afterSecond.failedLogins.count == 2 && afterSecond.failedLogins.values.contains { $0.sessions == 2 })
        #expect(afterSecond.sessionCount == 4, "the counts are the input's own")
        afterSecond.rollback(to: checkpoint!)
        #expect(Self.decoded(afterSecond) == before)
        #expect(afterSecond.sessionCount == 0)
        // Counting on after the rollback gives what counting the first and third alone gives.
        let (carriedOn, _) = scan(third, carrying: afterSecond)
        let (direct, _) = scan(together, carrying: nil)
        #expect(Self.decoded(carriedOn) == Self.decoded(direct))
    }

    @Test("a tally table past the prefetch threshold: batched adds equal one-by-one adds, and a rollback restores counts changed several times")
    func tallyTableBatchesAndRollback() {
        typealias Key = SessionTallies.OutcomeKey
        func key(_ n: Int) -> Key {
            Key(day: Int64(n % 5), logType: .receive, connector: Int32(n % 3), address: Int32(n), outcome: .plaintext,
                negotiation: nil, error: nil, activity: .mail)
        }
        let n = 40_000  // more keys than PrefetchPipeline.fromSlots / 2: the pipelined path
        var single = TallyTable<Key>(), batched = TallyTable<Key>()
        var keys: [Key] = [], times: [Int64] = []
        for i in 0..<(2 * n) {
            keys.append(key(i % n))
            times.append(Int64(i))
            single.add(key(i % n), at: Int64(i))
        }
        for start in stride(from: 0, to: keys.count, by: 64) {
            let end = min(start + 64, keys.count)
            batched.add(Array(keys[start..<end]), at: Array(times[start..<end]))
        }
        #expect(batched.count == n && single.count == n)
        for i in [0, 1, n / 2, n - 1] {
            #expect(batched[key(i)] == single[key(i)])
            #expect(batched[key(i)] == TallyCount(sessions: 2, firstSeen: Int64(i), lastSeen: Int64(i + n)))
        }
        let mark = batched.checkpoint()
        batched.add(key(7), at: -5)
        batched.add(key(7), at: 1_000_000)
        batched.add(key(n + 1), at: 3)
        #expect(batched.journal.count == 1, "a count is saved once per checkpoint, however often it changes")
        batched.rollback(to: mark)
        #expect(batched.count == n)
        #expect(batched[key(7)] == single[key(7)])
        #expect(batched[key(n + 1)] == nil)
        batched.add(key(n + 1), at: 3)
        #expect(batched[key(n + 1)] == TallyCount(sessions: 1, firstSeen: 3, lastSeen: 3))
    }

    @Test("a full receive session: EHLO, STARTTLS, negotiation, AUTH, MAIL FROM, disconnect")
    func fullSession() {
        var log = LogText()
        log.header()
        log.row(at: "2024-03-01T10:00:00.000Z", seq: 0, "+")
        log.row(at: "2024-03-01T10:00:00.100Z", seq: 1, "<", "EHLO Mail.Example.org")
        log.row(at: "2024-03-01T10:00:00.200Z", seq: 2, "<", "STARTTLS")
        log.row(at: "2024-03-01T10:00:00.300Z", seq: 3, ">", "220 2.0.0 SMTP server ready")
        log.row(at: "2024-03-01T10:00:00.400Z", seq: 4, "*", "", Self.tls12)
        log.row(at: "2024-03-01T10:00:00.500Z", seq: 5, "*", "alice@contoso.com", "authenticated")
        log.row(at: "2024-03-01T10:00:00.600Z", seq: 6, "<", "MAIL FROM:<Bob@Example.ORG> SIZE=2048")
        log.row(at: "2024-03-01T10:00:00.700Z", seq: 7, "-", "", "Local")
        let (done, boundary, tracker) = Self.track(log)
        #expect(boundary.isEmpty)
        #expect(done.count == 1)
        let s = done[0]
        #expect(s.ehlo == "Mail.Example.org")
        #expect(s.senderDomain == "example.org")
        #expect(s.authUser == "alice@contoso.com")
        #expect(s.remote.description == "198.51.100.7")
        #expect(s.key.sessionID == 0x08DC_3A00_0000_0001)
        #expect(s.key.connector == "EX01\\Default Frontend EX01")
        guard case .negotiated(let n) = s.outcome else {
            Issue.record("expected a negotiation")
            return
        }
        #expect(n.protocolVersion == .tls12)
        #expect(s.outcomeTime == 1_709_287_200_400)
        #expect(tracker.statistics.negotiationRows[.tls12] == 1)
    }

    @Test("a session keeps its first greeting and first sender's domain; later ones are not even interned")
    func firstGreetingAndSender() {
        var log = LogText()
        log.header()
        log.row(at: "2024-03-01T10:00:00.000Z", seq: 0, "+")
        log.row(at: "2024-03-01T10:00:00.100Z", seq: 1, "<", "EHLO first.example")
        log.row(at: "2024-03-01T10:00:00.200Z", seq: 2, "<", "STARTTLS")
        log.row(at: "2024-03-01T10:00:00.300Z", seq: 3, ">", "220 2.0.0 SMTP server ready")
        log.row(at: "2024-03-01T10:00:00.400Z", seq: 4, "*", "", Self.tls12)
        log.row(at: "2024-03-01T10:00:00.500Z", seq: 5, "<", "EHLO second.example")
        log.row(at: "2024-03-01T10:00:00.600Z", seq: 6, "<", "MAIL FROM:<a@one.example>")
        log.row(at: "2024-03-01T10:00:00.700Z", seq: 7, "<", "MAIL FROM:<b@two.example>")
        log.row(at: "2024-03-01T10:00:00.800Z", seq: 8, "-", "", "Local")
        let (done, _, tracker) = Self.track(log)
        #expect(done.count == 1)
        #expect(done.first?.ehlo == "first.example")
        #expect(done.first?.senderDomain == "one.example")
        #expect(done.first?.lastTime == 1_709_287_200_800, "the later rows still bring the session's time up")
        let names = Set(tracker.tallies.tables.names.values.map { String(decoding: $0.bytes, as: UTF8.self) })
        #expect(names == ["first.example", "one.example"])
    }

    @Test("interleaved sessions are kept apart by session id and connector")
    func interleaved() {
        var log = LogText()
        log.header()
        log.row(session: "0000000000000001", "+")
        log.row(session: "0000000000000002", "+")
        log.row(connector: "EX01\\Other", session: "0000000000000001", "+")
        log.row(session: "0000000000000002", "*", "", Self.tls10)
        log.row(session: "0000000000000001", "<", "EHLO one")
        log.row(connector: "EX01\\Other", session: "0000000000000001", "<", "EHLO other")
        log.row(session: "0000000000000001", "-")
        log.row(session: "0000000000000002", "-")
        let (done, boundary, _) = Self.track(log)
        #expect(done.count == 2)
        #expect(boundary.count == 1, "the Other connector's session is still open")
        #expect(done[0].ehlo == "one" && done[0].outcome == .plaintext)
        if case .negotiated(let n) = done[1].outcome { #expect(n.protocolVersion == .tls10) } else { Issue.record("session 2") }
        #expect(boundary[0].ehlo == "other")
    }

    @Test("recent connector texts: found by exact bytes and quoting, the oldest replaced past eight, long texts not kept")
    func recentFields() {
        var recent = RecentFields()
        func view(_ s: String, quoted: Bool = false, _ body: (FieldView) -> Void) {
            Array(s.utf8).withUnsafeBytes { body(FieldView(bytes: $0, isQuoted: quoted)) }
        }
        // Twelve names of one length, alike in their first and last eight bytes.
        let names = (0..<12).map { "EX01\\Connector \(Character(UnicodeScalar(UInt8(65 + $0)))) of EX01" }
        for (i, name) in names.enumerated() {
            view(name) { f in
                #expect(recent.id(of: f) == nil)
                recent.remember(f, id: Int32(i))
            }
        }
        for (i, name) in names.enumerated() {
            view(name) { f in #expect(recent.id(of: f) == (i >= 4 ? Int32(i) : nil), "the first four were replaced") }
        }
        view(names[11], quoted: true) { f in #expect(recent.id(of: f) == nil, "quoted bytes unescape otherwise") }
        view(String(repeating: "x", count: 65)) { f in
            recent.remember(f, id: 99)
            #expect(recent.id(of: f) == nil)
        }
        // Through the tracker: more connectors than entries, interleaved, each session kept apart.
        var log = LogText()
        log.header()
        for i in 0..<12 { log.row(connector: names[i], session: "00000000000000\(String(format: "%02X", i))", "+") }
        for i in 0..<12 { log.row(connector: names[i], session: "00000000000000\(String(format: "%02X", i))", "<", "EHLO host\(i)") }
        for i in 0..<12 { log.row(connector: names[i], session: "00000000000000\(String(format: "%02X", i))", "-") }
        let (done, boundary, _) = Self.track(log)
        #expect(boundary.isEmpty)
        #expect(done.map { $0.ehlo?.description } == (0..<12).map { "host\($0)" })
        #expect(done.map(\.key.connector) == names.map { ByteString($0) })
    }

    @Test("failures, STARTTLS without a result, and STARTTLS accepted without a negotiation line")
    func outcomes() {
        var log = LogText()
        log.header()
        log.row(session: "01", "+")
        log.row(session: "01", "<", "STARTTLS")
        log.row(session: "01", "*", "", "TLS negotiation failed with error UnknownCredentials")
        log.row(session: "01", "-")
        log.row(session: "02", "+")
        log.row(session: "02", "<", "STARTTLS")
        log.row(session: "02", "-")
        log.row(session: "03", "+")
        log.row(session: "03", "<", "starttls")
        log.row(session: "03", ">", "220 2.0.0 SMTP server ready")
        log.row(session: "03", "-")
        let (done, _, _) = Self.track(log)
        #expect(done.map(\.outcome) == [.failed(error: "UnknownCredentials"), .failed(error: "STARTTLSNotCompleted"), .encryptedUnlogged])
    }

    @Test("send logs: our EHLO, the remote certificate in one-row and multi-row forms")
    func sendCertificates() {
        var log = LogText()
        log.header("SMTP Send Protocol Log")
        let thumb = "0123456789ABCDEF0123456789ABCDEF01234567"
        log.row(session: "01", local: "", remote: "[2001:db8::9]:25", "+")
        log.row(session: "01", local: "", remote: "[2001:db8::9]:25", ">", "EHLO ex01.contoso.com")
        log.row(session: "01", remote: "[2001:db8::9]:25", "*", " CN=mx.partner.example CN=Partner CA 0A0B \(thumb) 2023-01-01 2026-01-01 mx.partner.example", "Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names")
        log.row(session: "01", "-")
        log.row(session: "02", local: "", "+")
        log.row(session: "02", "*", "", "Remote certificate")
        log.row(session: "02", "*", "CN=mx2.partner.example", "Certificate subject")
        log.row(session: "02", "*", thumb, "Certificate thumbprint")
        log.row(session: "02", "-")
        log.row(session: "03", local: "", "+")
        log.row(session: "03", "*", "", "Sending certificate")
        log.row(session: "03", "*", "CN=us.contoso.com", "Certificate subject")
        log.row(session: "03", "-")
        let (done, _, _) = Self.track(log)
        #expect(done.count == 3)
        #expect(done[0].ehlo == "ex01.contoso.com")
        #expect(done[0].remote.description == "2001:db8::9")
        #expect(done[0].certificateSubject == "CN=mx.partner.example")
        #expect(done[0].certificateThumbprint == ByteString(thumb))
        #expect(done[1].certificateSubject == "CN=mx2.partner.example")
        #expect(done[2].certificateSubject == nil, "our own certificate is not the remote party's")
    }

    @Test("at the open-session cap the least recently active session is handed on, not merely the oldest started")
    func capEvictsLeastRecentlyActive() {
        var log = LogText()
        log.header()
        for i in 1...3 { log.row(at: "2024-03-01T10:00:0\(i).000Z", session: "0\(i)", "+") }
        // Session 01 is active again: 02 is now the least recently active.
        log.row(at: "2024-03-01T10:00:05.000Z", session: "01", "<", "EHLO busy.example")
        log.row(at: "2024-03-01T10:00:06.000Z", session: "04", "+")
        log.row(at: "2024-03-01T10:00:07.000Z", session: "05", "+")
        let completed = Completed()
        var tracker = SessionTracker(server: "EX01", maximumOpenSessions: 3) { completed.sessions.append($0) }
        var scanner = RecordScanner()
        log.bytes().withUnsafeBytes { scanner.feed($0, into: &tracker) }
        scanner.finish(into: &tracker)
        #expect(tracker.statistics.openSessionsEvicted == 2)
        let handedOn = tracker.boundaryFragments().map(\.key.sessionID)
        #expect(Array(handedOn.prefix(2)) == [2, 3], "evicted first, in order of last activity")
        #expect(Set(handedOn.dropFirst(2)) == [1, 4, 5])
    }

    @Test("one-row certificates: subjects with spaces, the issuer's CN=, no thumbprint; our own is not parsed")
    func certificateShapes() {
        var log = LogText()
        log.header("SMTP Send Protocol Log")
        let thumb = "ABCDEF0123456789ABCDEF0123456789ABCDEF01"
        let columns = "Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names"
        log.row(session: "01", "+")
        log.row(session: "01", "*", "\" CN=mx.partner.example, O=Partner Ltd CN=Partner Issuing CA 2 7F01 \(thumb) 2024-01-01 2026-01-01 mx.partner.example\"", columns)
        log.row(session: "01", "-")
        log.row(session: "02", "+")
        log.row(session: "02", "*", " CN=no-thumbprint.example CN=Some CA", columns)
        log.row(session: "02", "-")
        log.row(session: "03", "+")
        log.row(session: "03", "*", " CN=us.contoso.com CN=Contoso CA 01 \(thumb) 2024-01-01 2026-01-01", "Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after")
        log.row(session: "03", "-")
        let (done, _, _) = Self.track(log)
        #expect(done[0].certificateSubject == "CN=mx.partner.example, O=Partner Ltd")
        #expect(done[0].certificateThumbprint == ByteString(thumb))
        #expect(done[1].certificateSubject == "CN=no-thumbprint.example CN=Some CA", "no thumbprint: the whole value")
        #expect(done[1].certificateThumbprint == nil)
        #expect(done[2].certificateSubject == nil && done[2].certificateThumbprint == nil)
    }

    @Test("user names from 'User Name:' rows count once the login succeeds (235); the null sender")
    func userAndNullSender() {
        var log = LogText()
        log.header()
        log.row(session: "01", "+")
        log.row(session: "01", "<", "AUTH LOGIN")
        log.row(session: "01", "*", "", "User Name: CONTOSO\\svc-scan")
        log.row(session: "01", ">", "235 2.7.0 Authentication successful")
        log.row(session: "01", "<", "MAIL FROM:<>")
        log.row(session: "01", "-")
        log.row(session: "02", "+")
        log.row(session: "02", "*", "", "User Name: CONTOSO\\nobody")
        log.row(session: "02", "-")
        let (done, _, _) = Self.track(log)
        #expect(done[0].authUser == "CONTOSO\\svc-scan")
        #expect(done[0].senderDomain == "<>")
        #expect(done[0].activity == .mail)
        #expect(done[1].authUser == nil, "a user name without a success is not an authenticated user")
        #expect(done[1].activity == .none)
    }

    @Test("unrecognised TLS sentences are counted and kept verbatim")
    func unrecognised() {
        var log = LogText()
        log.header()
        log.row(session: "01", "+")
        log.row(session: "01", "*", "", "TLS session resumed with a shape nobody documented")
        log.row(session: "01", "-")
        let (_, _, tracker) = Self.track(log)
        #expect(tracker.statistics.unrecognizedTLSRows == 1)
        #expect(tracker.unrecognized.keys.first == "TLS session resumed with a shape nobody documented")
    }

    @Test("bad session ids and events are malformed rows, not silently dropped")
    func badIdentifiers() {
        var log = LogText()
        log.header()
        log.row(session: "not-hex", "+")
        log.row(session: "01", "?")
        // A permissions row, which the first look turns away unread: still reported when its
        // session id is bad, and one with a good id leaves nothing behind.
        log.row(session: "not-hex-either", "*", "SMTPSubmit SMTPAcceptAnyRecipient", "Set Session Permissions")
        log.row(session: "02", "*", "SMTPSubmit SMTPAcceptAnyRecipient", "Set Session Permissions")
        let (done, boundary, tracker) = Self.track(log)
        #expect(tracker.statistics.malformedRows == 3)
        #expect(tracker.malformedSamples.map(\.line) == [6, 7, 8])
        #expect(done.isEmpty && boundary.isEmpty)
    }

    @Test("fragments merge in order: start, identity and TLS from the first part, end from the second")
    func mergeAcrossFiles() {
        var first = LogText()
        first.header()
        first.row(at: "2024-03-01T10:59:59.000Z", session: "01", "+")
        first.row(at: "2024-03-01T10:59:59.100Z", session: "01", "<", "EHLO split.example")
        var second = LogText()
        second.header()
        second.row(at: "2024-03-01T11:00:00.100Z", session: "01", "*", "", Self.tls10)
        second.row(at: "2024-03-01T11:00:01.000Z", session: "01", "-")
        var a = Self.track(first).boundary[0]
        let b = Self.track(second).boundary[0]
        #expect(a.ended == false && b.ended == true && b.startTime == nil)
        a.merge(b)
        #expect(a.ehlo == "split.example")
        #expect(a.ended)
        #expect(a.firstTime == 1_709_290_799_000)
        if case .negotiated(let n) = a.outcome { #expect(n.protocolVersion == .tls10) } else { Issue.record("merged outcome") }
    }
}

extension SessionTrackerTests {
    @Test("session ids: 16 hex digits in either case, shorter ids, and rows whose id is not hex are malformed")
    func sessionIDs() {
        var log = LogText()
        log.header()
        let ids = ["08DC3A00ABCDEF01", "08dc3a00abcdef02", "0123456789abcdef", "FEDCBA9876543210", "1F"]
        for id in ids {
            log.row(session: id, "+")
            log.row(session: id, "-")
        }
        // Each of these has exactly one byte just outside 0-9, A-F, a-f.
        let bad = ["08DC3A00ABCDEF0G", "08DC3A00ABCDEF/1", "08DC3A00ABCDEF:1", "@8DC3A00ABCDEF01", "08DC3A00ABCDEF`1",
                   "08DC3A00ABCDEFg1", "08DC3A00ABCD\u{7F}F01", "08DC3A00ABCD EF0", "08DC3A00ABCDEF012", "08DC3A00ABCDEFé"]
        for id in bad { log.row(session: id, "+") }
        let (done, _, tracker) = Self.track(log)
        #expect(done.map(\.key.sessionID) == [0x08DC_3A00_ABCD_EF01, 0x08DC_3A00_ABCD_EF02, 0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, 0x1F])
        #expect(tracker.statistics.malformedRows == bad.count)
    }
}

@Suite("Sessions: the tracker's integer-keyed tallies")
struct TrackerTalliesTests {
    @Test("rollup keys and open sessions are stored compactly, and read back every id, 0 included, and every absent value as it was set")
    func compactStorage() {
        // The tallies of a one-job run outgrow the cache, and open sessions are copied in and out
        // of their table: their size is what the memory traffic is (docs/performance.md).
        #expect(MemoryLayout<SessionTallies.IdentityKey>.stride <= 40)
        #expect(MemoryLayout<SessionTallies.OutcomeKey>.stride <= 28)
        #expect(MemoryLayout<OpenSession>.stride <= 128)
        var k = SessionTallies.IdentityKey(
            day: 19_783, logType: .send, connector: 3, address: 0, outcome: .failed, protocolVersion: nil, ehlo: 0,
            senderDomain: nil, authUser: 7, certificateSubject: nil, certificateThumbprint: 0)
        #expect(k.day == 19_783 && k.logType == .send && k.outcome == .failed && k.protocolVersion == nil)
        #expect(k.ehlo == 0 && k.senderDomain == nil && k.authUser == 7 && k.certificateSubject == nil && k.certificateThumbprint == 0)
        k.ehlo = nil
        k.senderDomain = 0
        k.day = -1  // before 1970
        #expect(k.ehlo == nil && k.senderDomain == 0 && k.day == -1)
        var o = SessionTallies.OutcomeKey(
            day: 2_932_896, logType: .receive, connector: 0, address: 1, outcome: .tls, negotiation: 0, error: nil, activity: .mail)
        #expect(o.day == 2_932_896 && o.negotiation == 0 && o.error == nil)  // 9999-12-31
        o.negotiation = nil
        o.error = 0
        #expect(o.negotiation == nil && o.error == 0)
        var s = OpenSession(time: 5)
        #expect(s.startTime == nil && s.negotiationTime == nil && s.failureTime == nil && s.ehlo == nil && s.authFailureCount == 0)
        s.startTime = 0
        s.negotiationTime = -62_135_596_800_000  // 0001-01-01
        s.ehlo = 0
        s.authFailureCount = 3
        #expect(s.startTime == 0 && s.negotiationTime == -62_135_596_800_000 && s.ehlo == 0 && s.authFailureCount == 3)
        s.ehlo = nil
        #expect(s.ehlo == nil)
    }

    /// Every log under SampleLogs/ (hand-shaped rows: refused logins, certificates, 2010 builds,
    /// probes) plus a hand-written log with failures and a quoted EHLO.
    static func logs() throws -> [[UInt8]] {
        let root = SampleLogsTests.repository.appendingPathComponent("SampleLogs")
        let paths = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".LOG") }.sorted()
        var result = try paths.map { Array(try Data(contentsOf: root.appendingPathComponent($0))) }
        var log = LogText()
        log.header()
        log.row(session: "01", "+")
        log.row(session: "01", "<", "\"EHLO \"\"odd\"\",name\"")
        log.row(session: "01", "<", "AUTH LOGIN")
        log.row(session: "01", "*", "", "Inbound AUTH LOGIN failed because of LogonDenied")
        log.row(session: "01", "*", "", "User Name: CONTOSO\\\\bob")
        log.row(session: "01", "<", "AUTH LOGIN")
        log.row(session: "01", ">", "535 5.7.3 Authentication unsuccessful")
        log.row(session: "01", "<", "STARTTLS")
        log.row(session: "01", "-")
        result.append(log.bytes())
        return result
    }

    @Test("tallies turned into rollups equal the rollups of the completed sessions counted one by one")
    func talliesMatchFragments() throws {
        var sawRefusedLogins = false
        for bytes in try Self.logs() {
            final class Completed { var sessions: [SessionFragment] = [] }
            let completed = Completed()
            var tracker = SessionTracker(server: "EX01") { completed.sessions.append($0) }
            var scanner = RecordScanner()
            bytes.withUnsafeBytes { scanner.feed($0, into: &tracker) }
            scanner.finish(into: &tracker)
            var fromTallies = RollupDelta()
            fromTallies.add(tracker.tallies, server: "EX01")
            var oneByOne = RollupDelta()
            for f in completed.sessions { oneByOne.add(f) }
            #expect(!completed.sessions.isEmpty)
            #expect(fromTallies.sessions == oneByOne.sessions)
            #expect(fromTallies.identities == oneByOne.identities)
            #expect(fromTallies.authFailures == oneByOne.authFailures)
            #expect(fromTallies.coverage == oneByOne.coverage)
            #expect(fromTallies.sessionCount == oneByOne.sessionCount)
            #expect(fromTallies.protocolSessions == oneByOne.protocolSessions)
            #expect(fromTallies.outcomeSessions == oneByOne.outcomeSessions)
            sawRefusedLogins = sawRefusedLogins || !oneByOne.authFailures.isEmpty
        }
        #expect(sawRefusedLogins, "the logs exercise the refused-login tallies")
    }
}

extension TrackerTalliesTests {
    @Test("deltas of inputs with different ids merge into what counting every session in one delta gives, their two big rollups on one thread or on two")
    func mergeRemapsIDs() throws {
        var merged = RollupDelta()
        var mergedOnTwoThreads = RollupDelta()
        var oneByOne = RollupDelta()
        // Every log twice, the second time under another server label: the same names get
        // other ids in each tracker, and equal keys of different servers must stay apart.
        for (i, bytes) in (try Self.logs() + Self.logs().reversed()).enumerated() {
            let server = i % 2 == 0 ? "EX01" : "EX02"
            final class Completed { var sessions: [SessionFragment] = [] }
            let completed = Completed()
            var tracker = SessionTracker(server: server) { completed.sessions.append($0) }
            var scanner = RecordScanner()
            bytes.withUnsafeBytes { scanner.feed($0, into: &tracker) }
            scanner.finish(into: &tracker)
            var input = RollupDelta()
            input.add(tracker.tallies, server: server)
            merged.merge(input, parallel: false)
            mergedOnTwoThreads.merge(input, parallel: true)
            for f in completed.sessions { oneByOne.add(f) }
        }
        #expect(mergedOnTwoThreads.sessions == oneByOne.sessions)
        #expect(mergedOnTwoThreads.identities == oneByOne.identities)
        #expect(merged.sessions == oneByOne.sessions)
        #expect(merged.identities == oneByOne.identities)
        #expect(merged.authFailures == oneByOne.authFailures)
        #expect(merged.coverage == oneByOne.coverage)
        #expect(merged.sessionCount == oneByOne.sessionCount && merged.sessionCount > 0)
        #expect(Set(merged.sessions.keys.map(\.server)) == ["EX01", "EX02"])
    }
}

@Suite("Sessions: the open-session table")
struct SessionTableTests {
    @Test("random inserts, lookups and removals agree with a dictionary, through growth and colliding ids")
    func agreesWithDictionary() {
        var random = SeededRandom(seed: 11)
        var table = SessionTable()
        var reference: [SessionTracker.LocalKey: Int64] = [:]
        for step in 0..<40_000 {
            // Few distinct ids, several connectors and both log types: long probe runs and many
            // removals in the middle of them.
            let key = SessionTracker.LocalKey(
                logType: random.chance(0.5) ? .receive : .send, connector: Int32(random.next() % 3),
                sessionID: random.next() % 3000)
            if reference[key] != nil, random.chance(0.5) {
                #expect(table.remove(key)?.firstTime == reference.removeValue(forKey: key))
            } else if reference[key] == nil {
                table.insert(OpenSession(time: Int64(step)), for: key)
                reference[key] = Int64(step)
            }
            #expect(table.count == reference.count)
            if step % 1000 == 0 {
                for (k, v) in reference { #expect(table[k]?.firstTime == v) }
                #expect(Set(table.all.map(\.key)) == Set(reference.keys))
            }
        }
        let absent = SessionTracker.LocalKey(logType: .receive, connector: 9, sessionID: 1)
        #expect(table[absent] == nil)
        #expect(table.remove(absent) == nil)
    }
}

extension SessionTrackerTests {
    struct PairKey: TallyKey, Hashable {
        var a: Int32
        var b: Int32
        func tallyHash(seed: UInt64) -> UInt64 {
            TallyHash.mix(seed, UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)))
        }
    }

    @Test("tally tables count what a dictionary counts, through growth, merges with remapped ids and colliding keys")
    func tallyTable() {
        var random = SeededRandom(seed: 23)
        var table = TallyTable<PairKey>()
        var reference: [PairKey: TallyCount] = [:]
        var order: [PairKey] = []
        for _ in 0..<20_000 {
            // Few distinct first halves, so many keys share most of their bits.
            let key = PairKey(a: Int32(random.next() % 7), b: Int32(random.next() % 900))
            let time = Int64(random.next() % 1_000_000)
            table.add(key, at: time)
            if reference[key] == nil { order.append(key) }
            reference[key, default: TallyCount()].add(at: time)
        }
        #expect(table.count == reference.count)
        var visited: [PairKey] = []
        table.forEach { key, count in
            visited.append(key)
            #expect(count == reference[key])
        }
        #expect(visited == order, "keys in the order they first came")
        #expect(table[PairKey(a: 99, b: 0)] == nil)

        // A merge that maps ids: every key's b shifted, so some keys meet existing ones.
        var other = TallyTable<PairKey>()
        other.add(PairKey(a: 1, b: 5), at: 7)
        other.add(PairKey(a: 1, b: 5), at: 3)
        other.add(PairKey(a: 50, b: 1), at: 9)
        let before = table[PairKey(a: 1, b: 6)] ?? TallyCount()
        table.add(other) { PairKey(a: $0.a, b: $0.b + 1) }
        let merged = table[PairKey(a: 1, b: 6)]
        #expect(merged?.sessions == before.sessions + 2)
        #expect(merged?.firstSeen == min(before.firstSeen, 3) && merged?.lastSeen == max(before.lastSeen, 7))
        #expect(table[PairKey(a: 50, b: 2)] == TallyCount(sessions: 1, firstSeen: 9, lastSeen: 9))
        #expect(table.count == reference.count + (reference[PairKey(a: 1, b: 6)] == nil ? 2 : 1))
    }

    @Test("merges and bulk interning into tables past the cache (lookups prefetched ahead) give what one key at a time gives")
    func prefetchedMerges() {
        var random = SeededRandom(seed: 41)
        // Past PrefetchPipeline.fromSlots (2^15 slots, half full), so the pipelined path runs.
        var table = TallyTable<PairKey>()
        var reference: [PairKey: TallyCount] = [:]
        var order: [PairKey] = []
        func count(_ key: PairKey, _ c: TallyCount) {
            if reference[key] == nil { order.append(key) }
            reference[key, default: TallyCount()].add(c)
        }
        for i in 0..<40_000 {
            let key = PairKey(a: Int32(i % 13), b: Int32(i / 13))
            let time = Int64(random.next() % 1_000_000)
            table.add(key, at: time)
            count(key, TallyCount(sessions: 1, firstSeen: time, lastSeen: time))
        }
        for round in 0..<3 {
            // Half the keys meet existing ones once mapped, half are new; a few repeat.
            var other = TallyTable<PairKey>()
            for _ in 0..<12_000 {
                other.add(PairKey(a: Int32(random.next() % 20), b: Int32(random.next() % 5_000)), at: Int64(round))
            }
            table.add(other) { PairKey(a: $0.a, b: $0.b &* 2 &+ Int32(round)) }
            other.forEach { k, c in count(PairKey(a: k.a, b: k.b &* 2 &+ Int32(round)), c) }
        }
        #expect(table.count == reference.count)
        var visited: [PairKey] = []
        table.forEach { key, c in
            visited.append(key)
            #expect(c == reference[key])
        }
        #expect(visited == order, "keys in the order they first came")

        // Bulk interning, below and past the threshold, against the same values one by one.
        for size in [100, 30_000] {
            var bulk = FlatInterner<PairKey>()
            var single = FlatInterner<PairKey>()
            for i in 0..<size {
                let v = PairKey(a: Int32(i % 11), b: Int32(i))
                _ = bulk.id(v)
                _ = single.id(v)
            }
            let batch = (0..<5_000).map { _ in PairKey(a: Int32(random.next() % 11), b: Int32(random.next() % UInt64(2 * size))) }
            #expect(bulk.ids(of: batch) == batch.map { single.id($0) })
            #expect(bulk.values == single.values)
        }
    }
}
