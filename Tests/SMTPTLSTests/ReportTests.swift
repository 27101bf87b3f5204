import Foundation
import Ingest
import LogScanner
@testable import Reports
import Store
import Testing
import TestSupport

@Suite("Reports: legacy, impact and the nightly summary on data with known answers")
struct ReportTests {
    /// Two days of one server's receive log:
    /// A legacy both days; B modern then legacy (new); C legacy then modern (upgraded);
    /// D plaintext; E a TLS failure; F TLS 1.1 and 1.2 on day 2 (new, would upgrade).
    static func database(_ dir: TemporaryDirectory) throws -> String {
        var log = LogText()
        log.header()
        let d1 = "2024-03-01T10:00:00.000Z", d2 = "2024-03-02T10:00:00.000Z"
        log.session("01", remote: "192.0.2.1:1000", at: d1, ehlo: "a.example", tls: "SP_PROT_TLS1_0_SERVER")
        log.session("02", remote: "192.0.2.2:1000", at: d1, ehlo: "b.example", tls: "SP_PROT_TLS1_2_SERVER")
        log.session("03", remote: "192.0.2.3:1000", at: d1, ehlo: "c.example", tls: "SP_PROT_TLS1_0_SERVER")
        log.session("11", remote: "192.0.2.1:1000", at: d2, ehlo: "a.example", tls: "SP_PROT_TLS1_0_SERVER")
        log.session("12", remote: "192.0.2.2:1000", at: d2, ehlo: "b.example", tls: "SP_PROT_TLS1_0_SERVER")
        log.session("13", remote: "192.0.2.3:1000", at: d2, ehlo: "c.example", tls: "SP_PROT_TLS1_2_SERVER")
        log.session("14", remote: "192.0.2.4:1000", at: d2, ehlo: "d.example")
        log.session("15", remote: "192.0.2.5:1000", at: d2, ehlo: "e.example", failure: "UnknownCredentials")
        log.session("16", remote: "[2001:db8::6]:1000", at: d2, ehlo: "f.example", tls: "SP_PROT_TLS1_1_SERVER")
        log.session("17", remote: "[2001:db8::6]:1000", at: d2, ehlo: "f.example", tls: "SP_PROT_TLS1_2_SERVER")
        // Day 3: only TLS 1.2 — a day with data and no legacy.
        log.session("21", remote: "192.0.2.9:1000", at: "2024-03-03T10:00:00.000Z", ehlo: "g.example", tls: "SP_PROT_TLS1_2_SERVER")
        let db = dir.file("r.sqlite")
        _ = try ingest([try dir.write("RECV.LOG", log.bytes())], db: db, server: "EX01")
        return db
    }

    static func column(_ t: ResultTable, _ name: String) -> [String] {
        let i = t.columns.firstIndex(of: name)!
        return t.rows.map { $0[i].text }
    }

    @Test("legacy lists the parties below TLS 1.2 in the window, most sessions first")
    func legacy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Self.database(dir)
        let all = try LegacyReport().run(database: db).table
        #expect(Self.column(all, "remote_ip") == ["192.0.2.1", "192.0.2.2", "192.0.2.3", "2001:db8::6"])
        #expect(Self.column(all, "sessions") == ["2", "1", "1", "1"])
        let day2 = try LegacyReport(filter: ReportFilter(since: "2024-03-02")).run(database: db).table
        #expect(Set(Self.column(day2, "remote_ip")) == ["192.0.2.1", "192.0.2.2", "2001:db8::6"])
        #expect(try LegacyReport(filter: ReportFilter(direction: "send")).run(database: db).table.rows.isEmpty)
    }

    @Test("impact splits parties into legacy_only, upgrades, failures and plaintext-only")
    func impact() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Self.database(dir)
        let day2 = try ImpactReport(filter: ReportFilter(since: "2024-03-02", until: "2024-03-02")).run(database: db).table
        var category: [String: String] = [:]
        for (ip, c) in zip(Self.column(day2, "remote_ip"), Self.column(day2, "category")) { category[ip] = c }
        #expect(category == ["192.0.2.1": "legacy_only", "192.0.2.2": "legacy_only", "2001:db8::6": "upgrades",
                             "192.0.2.5": "tls_failures", "192.0.2.4": "plaintext_only"])
        // Over both days B also negotiated TLS 1.2: it would upgrade; C did too.
        let both = try ImpactReport().run(database: db).table
        var overall: [String: String] = [:]
        for (ip, c) in zip(Self.column(both, "remote_ip"), Self.column(both, "category")) { overall[ip] = c }
        #expect(overall["192.0.2.2"] == "upgrades" && overall["192.0.2.3"] == "upgrades" && overall["192.0.2.1"] == "legacy_only")
        // With TLS 1.1 allowed, F only negotiated at or above the floor.
        let floor11 = try ImpactReport(filter: ReportFilter(since: "2024-03-02"), floor: .tls11).run(database: db).table
        #expect(!Self.column(floor11, "remote_ip").contains("2001:db8::6"))
    }

    @Test("the summary finds new legacy senders and upgraded ones against the previous day")
    func summary() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Self.database(dir)
        let data = try SummaryReport(since: UTCDay("2024-03-02")!, until: UTCDay("2024-03-02")!).load(database: db)
        #expect(data.hasData && data.previousDayHasData)
        #expect(Set(data.newLegacy.rows.map(\.remoteIP)) == ["192.0.2.2", "2001:db8::6"])
        #expect(data.upgraded.rows.map(\.remoteIP) == ["192.0.2.3"])
        #expect(Set(data.legacy.rows.map(\.remoteIP)) == ["192.0.2.1", "192.0.2.2", "2001:db8::6"])
        #expect(data.totals.legacySessions == 3 && data.totals.legacyParties == 3)
        #expect(data.totals.sessions == 7)
        #expect(data.plaintext.rows.map(\.remoteIP) == ["192.0.2.4"])
        #expect(data.legacy.rows.first { $0.remoteIP == "192.0.2.1" }?.ehloNames == "a.example")
        #expect(data.failures.map(\.error) == ["UnknownCredentials"])
        #expect(data.weakSuites.first?.reasons == "no_forward_secrecy,weak_mac")
        // Every negotiated session of the day used the fixture's RSA/SHA1 suite: the weak suites
        // (one per protocol) hold all of them, most sessions first, each with its parties.
        let negotiated = data.protocols.filter { $0.name != "not logged" }.reduce(0) { $0 + $1.sessions }
        #expect(data.weakSuites.reduce(0) { $0 + $1.sessions } == negotiated && negotiated > 0)
        #expect(Set(data.weakSuites.map(\.protocolName)) == Set(data.protocols.map(\.name)).subtracting(["not logged"]))
        #expect(data.weakSuites.map(\.sessions) == data.weakSuites.map(\.sessions).sorted(by: >))
        #expect(data.weakSuites.allSatisfy { $0.parties >= 1 && $0.parties <= $0.sessions && $0.cipher == "CALG_AES_128" })
        #expect(data.coverage.count == 1 && data.coverage[0].hours[10] == 7 && data.coverage[0].missingHours.count == 23)
        #expect(data.trend.map(\.day) == ["2024-03-01", "2024-03-02"])
        let html = try SummaryReport.render(data, as: .html)
        #expect(html.contains("class=\"bar\""))
        #expect(!html.contains("http"), "no external references")
        #expect(html.components(separatedBy: "<title>").count == 2 && !html.contains("title=\""),
                "only the page's title: no number hidden in a hover tooltip")
        // Every share is printed: day 2's seven sessions, TLS1.0 two of five TLS sessions.
        #expect(html.contains("TLS1.0 40% (2)"))
        #expect(!html.contains("Fronte…"), "labels are never cut")
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"), "self-contained")
        let markdown = try SummaryReport.render(data, as: .markdown)
        #expect(markdown.contains("## New legacy senders"))
        let json = try JSONSerialization.jsonObject(with: Data(try SummaryReport.render(data, as: .json).utf8)) as! [String: Any]
        #expect(((json["new_legacy"] as! [String: Any])["rows"] as! [Any]).count == 2)
        let totals = json["totals"] as! [String: Any]
        #expect(totals["sessions"] as? Int == 7 && totals["legacy_sessions"] as? Int == 3 && totals["legacy_parties"] as? Int == 3)
    }

    @Test("summary --fail-on-legacy exits 3 when legacy TLS was seen, 0 on a day without, 4 on a day without logs")
    func failOnLegacy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Self.database(dir)
        let out = dir.file("s.html")
        let seen = try Binary.run(["summary", "--db", db, "--day", "2024-03-02", "--format", "html", "-o", out, "--fail-on-legacy"])
        #expect(seen.status == 3)
        #expect(FileManager.default.fileExists(atPath: out))
        let clean = try Binary.run(["summary", "--db", db, "--day", "2024-03-03", "--fail-on-legacy"])
        #expect(clean.status == 0)
        let none = try Binary.run(["summary", "--db", db, "--day", "2024-02-01", "--fail-on-legacy"])
        #expect(none.status == 4)
        #expect(none.stdout.contains("No data"))
        #expect(none.stderr.contains("no data for 2024-02-01: the database has logs for 2024-03-01 to 2024-03-03 (3 days)"))
        #expect(!none.stdout.contains("0 sessions"))
        #expect(try Binary.run(["summary", "--db", db, "--day", "yesterday"]).status == 2)
    }

    @Test("impossible dates and windows are usage errors (exit 2)", arguments: [
        ["summary", "--day", "2024-13-01"], ["summary", "--day", "2024-02-30"], ["summary", "--day", "2023-02-29"],
        ["summary", "--since", "2024-03-02", "--until", "2024-03-01"], ["summary", "--until", "2024-03-01"],
        ["legacy", "--since", "2024-02-31"], ["legacy", "--since", "2024-3-1"], ["impact", "--until", "24-03-01"],
        ["impact", "--since", "2024-03-05", "--until", "2024-03-01"], ["impact", "--floor", "SSL3"],
        ["legacy", "--direction", "inbound"],
    ])
    func impossibleDates(_ arguments: [String]) throws {
        let r = try Binary.run(arguments + ["--db", "/nonexistent/never-opened.sqlite"])
        #expect(r.status == 2, "\(arguments): \(r.stderr)")
    }

    @Test("days are real calendar days; leap years count")
    func calendarDays() {
        #expect(UTCDay("2024-02-29")?.description == "2024-02-29")
        #expect(UTCDay("2023-02-29") == nil && UTCDay("2024-04-31") == nil && UTCDay("2024-00-10") == nil)
        #expect(UTCDay(millis: -1).description == "1969-12-31", "floor division before the epoch")
        #expect(UTCHour(millis: 1_709_287_200_400).description == "2024-03-01T10")
        #expect(UTCHour(millis: 1_709_287_200_400).hourOfDay == 10)
    }

    @Test("the --floor and --direction help lists come from the enums they parse into")
    func vocabularyHelp() throws {
        let impact = try Binary.run(["impact", "--help"])
        #expect(impact.stdout.contains("TLS1.0") && impact.stdout.contains("TLS1.3") && !impact.stdout.contains("SSL3|"))
        #expect(try Binary.run(["impact", "--floor", "TLS1.0", "--db", "/nonexistent/x.sqlite"]).status == 1, "TLS1.0 is accepted")
        let legacy = try Binary.run(["legacy", "--help"])
        #expect(legacy.stdout.contains("receive") && legacy.stdout.contains("send"))
    }

    @Test("parties whose protocol was not logged (Exchange 2010) are their own impact category")
    func unloggedParties() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        let at = "2024-03-01T10:00:00.000Z"
        for (id, ip) in [("01", "192.0.2.30:1"), ("02", "192.0.2.31:1")] {
            log.row(at: at, session: id, remote: ip, "+")
            log.row(at: at, session: id, remote: ip, "<", "EHLO old.example")
            log.row(at: at, session: id, remote: ip, "<", "STARTTLS")
            log.row(at: at, session: id, remote: ip, ">", "220 2.0.0 SMTP server ready")
            log.row(at: at, session: id, remote: ip, "<", "MAIL FROM:<a@old.example>")
            log.row(at: at, session: id, remote: ip, "-")
        }
        // 192.0.2.31 also negotiated TLS 1.2 in a logged session: not an unknown risk.
        log.session("03", remote: "192.0.2.31:1", at: at, ehlo: "old.example", tls: "SP_PROT_TLS1_2_SERVER")
        let db = dir.file("u.sqlite")
        _ = try ingest([try dir.write("RECV.LOG", log.bytes())], db: db, server: "EX01")
        let result = try ImpactReport().run(database: db)
        #expect(result.table.rows.map { [$0[0].text, $0[2].text] } == [["protocol_unlogged", "192.0.2.30"]])
        #expect(result.notes[0].contains("protocol_unlogged 1"))
    }

    @Test("a report reads one snapshot: an ingest committing between its queries is not seen until the next report")
    func oneSnapshot() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Self.database(dir)
        let count = "SELECT SUM(sessions) FROM negotiations"
        var more = LogText()
        more.header()
        more.session("31", remote: "192.0.2.40:1", at: "2024-03-04T10:00:00.000Z", ehlo: "late.example", tls: "SP_PROT_TLS1_0_SERVER")
        let later = try dir.write("LATE.LOG", more.bytes())
        let (before, during) = try StoreReader(path: db).read { snapshot in
            let before = try snapshot.row(count)!.int(0)
            _ = try ingest([later], db: db, server: "EX01")
            return (before, try snapshot.row(count)!.int(0))
        }
        #expect(before == during, "the ingest committed in between, and the report did not see it")
        let after = try StoreReader(path: db).read { try $0.row(count)!.int(0) }
        #expect(after == before + 1)
    }

    @Test("impact over a long window read in day ranges on several threads = one read; no parts while an ingest holds the lock")
    func impactInParts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try smallFilesCorpus(in: dir, seed: 17, hours: 24 * 12, sessionsPerHour: 12)
        let db = dir.file("parts.sqlite")
        _ = try ingest([logs], db: db, jobs: 2)
        // `smtptls ingest` leaves its lock file beside the database (this in-process ingest does
        // not); without one a report reads with one snapshot.
        #expect(try StoreReader(path: db).read(companions: 2) { _, others in others.count } == 0)
        _ = try IngestLock(database: db) {}
        let report = ImpactReport(filter: ReportFilter(), floor: .tls12)
        let whole = try report.run(StoreReader(path: db), maximumParts: 1)
        #expect(whole.table.rows.count > 20)
        for parts in [2, 3, 4] {
            let parted = try report.run(StoreReader(path: db), maximumParts: parts)
            #expect(parted.table.rows == whole.table.rows, "\(parts) parts")
            #expect(parted.notes == whole.notes)
        }
        // The day ranges cover the window once each, whatever the part count.
        let reader = try StoreReader(path: db)
        let days = try reader.read(companions: 2) { main, others in
            #expect(others.count == 2)
            return SnapshotParts(main: main, companions: others, first: UTCDay("2024-03-01"), last: UTCDay("2024-03-12")).ranges.map(\.parameters)
        }
        #expect(days == [["2024-03-04"], ["2024-03-04", "2024-03-08"], ["2024-03-08"]])
        // An ingest holding the lock: no companion snapshots (their state could differ), same report.
        let lock = try IngestLock(database: db) {}
        let companions = try StoreReader(path: db).read(companions: 3) { _, others in others.count }
        #expect(companions == 0)
        #expect(try report.run(StoreReader(path: db), maximumParts: 4).table.rows == whole.table.rows)
        withExtendedLifetime(lock) {}
    }
}
