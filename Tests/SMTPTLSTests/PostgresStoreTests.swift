import Foundation
import Ingest
import Synchronization
@testable import PostgresStore
import Reports
import Rollups
import Store
import Testing
import TestSupport

/// PostgreSQL as the store (issue #15), against a cluster the tests start themselves
/// (`PostgresCluster`): the same inputs give the same public views as SQLite, re-ingesting counts
/// nothing twice, collectors running at once never double-count, and errors name the server
/// without a password.
@Suite("PostgreSQL: many collectors, one database, the same views", .serialized)
struct PostgresStoreTests {
    static let views = """
        negotiations plaintext_sessions tls_failures senders legacy_senders auth_failures identities suites \
        unfinished_sessions hourly_coverage connectors connector_history domain_secure_domains
        """.split(separator: " ").map(String.init)

    /// A view's rows as text, sorted, without the id columns (ids depend on the order texts
    /// were first stored in, which differs between stores and between collectors).
    /// `legacy_senders`' lists hold the same values in both stores, in a different order
    /// (PostgreSQL's `string_agg(DISTINCT …)` sorts them; SQLite keeps the order ids were given
    /// in): compared as sorted lists.
    static let lists: Set<String> = [
        "protocols", "ehlo_names", "sender_domains", "auth_users", "certificate_subjects", "certificate_thumbprints",
    ]

    static func rows(_ result: ReadOnlyQuery.Result) -> [String] {
        let keep = result.columns.indices.filter { !result.columns[$0].hasSuffix("_id") && result.columns[$0] != "id" }
        return result.rows.map { row in
            keep.map { i in
                if lists.contains(result.columns[i]), case .text(let list) = row[i] {
                    return "list(\(list.split(separator: ",").sorted().joined(separator: ",")))"
                }
                return "\(row[i])"
            }.joined(separator: "|")
        }.sorted()
    }

    static func sqliteViews(_ path: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for v in views { result[v] = rows(try ReadOnlyQuery(path: path).run("SELECT * FROM \(v)", timeout: 0)) }
        return result
    }

    static func postgresViews(_ url: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for v in views { result[v] = rows(try PostgresQuery.run(url: url, "SELECT * FROM \(v)", timeout: 0)) }
        return result
    }

    static var sampleLogs: String { SampleLogsTests.repository.appendingPathComponent("SampleLogs").path }
    static func sampleServer(_ name: String) -> String { SampleLogsTests.repository.appendingPathComponent("SampleLogs/\(name)").path }

    /// An empty PostgreSQL database, and an SQLite one in `dir` holding SampleLogs: what the
    /// collectors' results are compared with.
    static func storesWithSampleLogsInSQLite(_ dir: TemporaryDirectory) throws -> (url: String, sqlite: String) {
        let url = try PostgresCluster.database()
        let sqlite = dir.file("s.sqlite")
        #expect(try Binary.run(["ingest", "-q", "--db", sqlite, sampleLogs]).status == 0)
        return (url, sqlite)
    }

    @Test("SampleLogs into PostgreSQL and into SQLite: every public view holds the same rows; a second ingest adds nothing")
    func sameViewsAsSQLite() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = try PostgresCluster.database()
        let sqlite = dir.file("s.sqlite")
        #expect(try Binary.run(["ingest", "-q", "--db", sqlite, Self.sampleLogs]).status == 0)
        let first = try Binary.run(["ingest", "--db", url, Self.sampleLogs])
        #expect(first.status == 0, "\(first.stderr)")
        let expected = try Self.sqliteViews(sqlite)
        let stored = try Self.postgresViews(url)
        #expect(expected["negotiations"]!.count > 50 && expected["legacy_senders"]!.count > 5)
        for v in Self.views { #expect(stored[v] == expected[v], "view \(v)") }
        // The rows were copied in each table's key order (they append to its index): stored in
        // that order, one commit into empty tables.
        for (table, key) in [
            ("session_rollup", "day, server, log_type, connector, remote_ip, outcome, suite, error, activity"),
            ("identity_rollup", "day, server, log_type, connector, remote_ip, outcome, protocol, ehlo, sender_domain, auth_user, cert_subject, cert_thumbprint"),
        ] {
            let stored = try PostgresQuery.run(url: url, "SELECT \(key) FROM \(table) ORDER BY ctid", timeout: 0)
            let sorted = try PostgresQuery.run(url: url, "SELECT \(key) FROM \(table) ORDER BY \(key)", timeout: 0)
            #expect(stored.rows.count > 20)
            #expect(stored.rows.map { "\($0)" } == sorted.rows.map { "\($0)" }, "\(table) stored in key order")
        }
        // The ledger: each input once, and a rerun skips them all.
        let again = try Binary.run(["ingest", "--db", url, Self.sampleLogs])
        #expect(again.status == 0)
        #expect(try Self.postgresViews(url) == stored)
        let ledger = try PostgresQuery.run(url: url, "SELECT COUNT(*), COUNT(DISTINCT fingerprint) FROM ingest_log", timeout: 0)
        #expect(ledger.rows[0][0] == ledger.rows[0][1])
        // The malformed rows' samples, as SQLite keeps them (PostgreSQL text holds no NUL).
        let samples = "SELECT fingerprint, path, member, line, reason, replace(excerpt, char(0), '') FROM malformed_rows ORDER BY 1, 4"
        let storedSamples = try PostgresQuery.run(url: url, samples.replacingOccurrences(of: "replace(excerpt, char(0), '')", with: "excerpt"), timeout: 0)
        #expect(storedSamples.rows.count == 8)
        #expect(Self.rows(storedSamples) == Self.rows(try ReadOnlyQuery(path: sqlite).run(samples, timeout: 0)))
        #expect(ledger.rows[0][0] == (try ReadOnlyQuery(path: sqlite).run("SELECT COUNT(*) FROM ingest_log", timeout: 0)).rows[0][0])
    }

    @Test("a collector commits each complete part of its run while it scans the next (its commits are the server's work): the views equal SQLite's")
    func earlyCommits() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (url, sqlite) = try Self.storesWithSampleLogsInSQLite(dir)
        for jobs in [1, 3] {
            var options = IngestOptions()
            options.jobs = jobs
            // SampleLogs is far below a batch's 64 MB: every place a batch may end ends one.
            options.earlyCommitBytes = 1
            let store = try PostgresStore(url: url)
            #expect(store.commitsElsewhere)
            let summary = try IngestPipeline(store: store, options: options)
                .run(InputDiscovery.discover([Self.sampleLogs], server: nil))
            #expect(summary.commits == (jobs == 1 ? 4 : 0), "the receive and send logs of the two servers' directories; nothing left the second time")
        }
        let expected = try Self.sqliteViews(sqlite)
        let stored = try Self.postgresViews(url)
        for v in Self.views { #expect(stored[v] == expected[v], "view \(v)") }
    }

    @Test("one commit with rows of a day, server and direction the database has and of ones it has not (copied straight in): the views equal SQLite's after the same two runs")
    func knownAndNewKeyHeads() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = try PostgresCluster.database()
        let sqlite = dir.file("s.sqlite")
        let firstHour = SampleLogsTests.repository
            .appendingPathComponent("SampleLogs/EX01/FrontEnd/ProtocolLog/SmtpReceive/RECV2024030100-1.LOG").path
        for db in [sqlite, url] {
            let first = try Binary.run(["ingest", "-q", "--db", db, firstHour])
            #expect(first.status == 0, "\(first.stderr)")
            // EX01's receive log of hour 01 meets the rows of hour 00 (the same day, server and
            // direction); its send log and EX10's are new.
            let rest = try Binary.run(["ingest", "-q", "--db", db, Self.sampleLogs])
            #expect(rest.status == 0, "\(rest.stderr)")
        }
        let expected = try Self.sqliteViews(sqlite)
        let stored = try Self.postgresViews(url)
        #expect(expected["identities"]!.count > 20)
        for v in Self.views { #expect(stored[v] == expected[v], "view \(v)") }
    }

    @Test("an archive whose members name their own servers: sessions that go on into it from a server's active log are joined as SQLite joins them")
    func archiveMembersNameTheirServers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = try PostgresCluster.database()
        let sqlite = dir.file("s.sqlite")
        // EX01's first receive log up to a TLS negotiation half way, as its active log would be
        // read: the session goes on (sender, disconnect) in the archive's whole copy of that log
        // (the same log, resumed); unjoined, its TLS would be lost.
        let relative = "EX01/FrontEnd/ProtocolLog/SmtpReceive/RECV2024030100-1.LOG"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.sampleServer(relative))))
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        let negotiation = try #require(lines.indices.first {
            $0 >= lines.count / 2 && String(decoding: lines[$0], as: UTF8.self).contains("negotiation succeeded")
        })
        let half = try dir.write("half/" + relative, Array(bytes[..<lines[negotiation].endIndex]) + [0x0A])
        let archive = dir.file("all.tar")
        try ArchiveTests.shell("tar -cf '\(archive)' EX01 EX10", in: Self.sampleLogs)
        for db in [sqlite, url] {
            let first = try Binary.run(["ingest", "-q", "--db", db, half])
            #expect(first.status == 0, "\(first.stderr)")
            if db == sqlite {
                let open = try ReadOnlyQuery(path: sqlite).run("SELECT COUNT(*) FROM open_sessions", timeout: 0)
                #expect(open.rows[0][0] != .integer(0), "sessions left open by the half go on in the archive")
            }
            let rest = try Binary.run(["ingest", "-q", "--db", db, archive])
            #expect(rest.status == 0, "\(rest.stderr)")
        }
        let plain = dir.file("plain.sqlite")
        #expect(try Binary.run(["ingest", "-q", "--db", plain, Self.sampleLogs]).status == 0)
        let expected = try Self.sqliteViews(sqlite)
        #expect(expected == (try Self.sqliteViews(plain)), "SQLite joins the half and the archive as it joins the plain files")
        let stored = try Self.postgresViews(url)
        for v in Self.views { #expect(stored[v] == expected[v], "view \(v)") }
    }

    @Test("collectors at once on overlapping inputs: they take turns, sessions across runs are joined, nothing counted twice")
    func collectorsAtOnce() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (url, sqlite) = try Self.storesWithSampleLogsInSQLite(dir)
        let (ex01, ex10) = (Self.sampleServer("EX01"), Self.sampleServer("EX10"))
        // Three collectors, started together: one per server and one with everything.
        let runs = [[ex01], [ex10], [Self.sampleLogs]]
        let results = Mutex<[(Int32, String)]>([])
        DispatchQueue.concurrentPerform(iterations: runs.count) { i in
            let r = try? Binary.run(["ingest", "-q", "--db", url] + runs[i])
            results.withLock { $0.append((r?.status ?? -1, r?.stderr ?? "did not run")) }
        }
        let finished = results.withLock { $0 }
        #expect(finished.count == runs.count)
        for (status, stderr) in finished { #expect(status == 0, "\(stderr)") }
        #expect(try Self.postgresViews(url) == (try Self.sqliteViews(sqlite)))
    }

    @Test("collectors of different servers ingest at the same time; one whose server another holds waits for it, then joins in")
    func serverTurns() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (url, sqlite) = try Self.storesWithSampleLogsInSQLite(dir)
        let (ex01, ex10) = (Self.sampleServer("EX01"), Self.sampleServer("EX10"))
        #expect(try Binary.run(["ingest", "-q", "--db", url, ex10]).status == 0)
        // Another process holds EX01 as a collector of EX01 does.
        var holder: PostgresConnection? = try PostgresConnection(url: url, attempts: 1)
        try PostgresClaim.servers(["EX01"]).take(on: holder!) {}
        let other = try Binary.run(["ingest", "--db", url, ex10])
        #expect(other.status == 0 && !other.stderr.contains("waiting"), "\(other.stderr)")
        let done = Mutex<(status: Int32, stderr: String)?>(nil)
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let r = try? Binary.run(["ingest", "--db", url, ex01])
            done.withLock { $0 = (r?.status ?? -1, r?.stderr ?? "did not run") }
            finished.signal()
        }
        #expect(finished.wait(timeout: .now() + 3) == .timedOut, "the EX01 collector did not wait")
        holder = nil  // the connection closes: its locks go with it
        #expect(finished.wait(timeout: .now() + 120) == .success)
        let waited = done.withLock { $0 }
        #expect(waited?.status == 0 && waited?.stderr.contains("waiting for another smtptls process writing these servers") == true,
                "\(waited?.stderr ?? "did not run")")
        _ = holder
        #expect(try Self.postgresViews(url) == (try Self.sqliteViews(sqlite)))
    }

    @Test("errors: an unreachable server is named without its password; a database smtptls never wrote is said to be one; PGHOST/PGUSER fill in the URL; query is read-only")
    func errors() throws {
        let r = try Binary.run(["ingest", "--db", "postgres://collector:s3cret@127.0.0.1:1/fleet", Self.sampleLogs],
                               environment: ["PGCONNECT_TIMEOUT": "2"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("127.0.0.1") && r.stderr.contains("cannot connect to PostgreSQL"))
        #expect(!r.stderr.contains("s3cret") && !r.stdout.contains("s3cret"))
        #expect(PostgresURL.redacted("postgres://u:pw@h:5432/db?sslmode=require&password=pw") == "postgres://u@h:5432/db?sslmode=require")

        let url = try PostgresCluster.database()
        let empty = try Binary.run(["legacy", "--db", url])
        #expect(empty.status == 1 && empty.stderr.contains("holds no smtptls data yet"), "\(empty.stderr)")
        #expect(try Binary.run(["ingest", "-q", "--db", url, Self.sampleLogs]).status == 0)
        // libpq's conventions: what the URL leaves out comes from PGHOST and PGUSER.
        let parts = url.split(separator: "?")
        var environment: [String: String] = [:]
        for pair in parts[1].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            environment[kv[0] == "host" ? "PGHOST" : "PGUSER"] = kv[1]
        }
        let fromEnvironment = try Binary.run(["legacy", "--format", "csv", "--db", String(parts[0])], environment: environment)
        #expect(fromEnvironment.status == 0 && fromEnvironment.stdout.contains("TLS1.0"), "\(fromEnvironment.stderr)")
        let copyFrom = try Binary.run(["copy", "--db", url, "--to", url])
        #expect(copyFrom.status == 2 && copyFrom.stderr.contains("SQLite database"))
        let write = try Binary.run(["query", "--db", url, "DELETE FROM session_rollup"])
        #expect(write.status == 1 && write.stderr.contains("read-only"))
        let count = try PostgresQuery.run(url: url, "SELECT COUNT(*) FROM negotiations", timeout: 0)
        #expect(count.rows[0][0] != .integer(0))
    }

    @Test("a collector killed (SIGKILL) at random moments, then rerun: the views equal one clean SQLite ingest")
    func killAndRerun() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try smallFilesCorpus(in: dir, seed: 23, hours: 6, sessionsPerHour: 60)
        let clean = dir.file("clean.sqlite")
        #expect(try Binary.run(["ingest", "-q", "--db", clean, logs]).status == 0)
        // Kills land inside what one whole run takes (timed into a database of its own).
        let whole = try KillLoop.timed(["ingest", "-q", "--jobs", "2", "--db", try PostgresCluster.database(), logs])
        let url = try PostgresCluster.database()
        let interrupted = try KillLoop.run(
            ["ingest", "-q", "--jobs", "2", "--db", url, logs], rounds: 8, delays: KillLoop.delays(within: whole), seed: 5)
        let last = try Binary.run(["ingest", "-q", "--db", url, logs])
        #expect(last.status == 0, "\(last.stderr)")
        let (stored, expected) = (try Self.postgresViews(url), try Self.sqliteViews(clean))
        for v in Self.views { #expect(stored[v] == expected[v], "view \(v): \(Set(stored[v]!).symmetricDifference(expected[v]!).sorted().prefix(4))") }
        #expect(interrupted > 0, "at least one run was killed mid-way")
    }

    /// The reports compared between the stores: each format, filters, windows, the floor.
    static let reports: [[String]] = [
        ["legacy"], ["legacy", "--wide", "--format", "csv"], ["legacy", "--server", "ex10", "--direction", "receive", "--format", "json"],
        ["impact", "--all", "--format", "csv"], ["impact", "--floor", "TLS1.1", "--connector", "Outbound to Internet", "--format", "json"],
        ["impact", "--since", "2024-03-01", "--until", "2024-03-01", "--server", "EX01", "--wide"],
        ["readiness", "--as-of", "2024-03-01", "--format", "csv"], ["readiness", "--as-of", "2024-03-02", "--quiet-days", "1"],
        ["summary", "--day", "2024-03-01", "--format", "json"], ["summary", "--since", "2024-02-01", "--until", "2024-03-31"],
        ["summary", "--day", "2024-03-01", "--format", "html"], ["summary", "--day", "2024-03-02"],
    ]

    /// A report's output without the time it was generated.
    static func withoutGenerationTime(_ text: String) -> String {
        text.replacing(/(Generated |"generated_at" : ")[0-9T:.\-]+Z/) { "\($0.1)<time>" }
    }

    /// `connectors list` as JSON objects without `imported_at` (each store was imported into at its own moment).
    static func connectorList(_ db: String) throws -> [String] {
        let r = try Binary.run(["connectors", "list", "--format", "json", "--db", db])
        let objects = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] ?? []
        return try objects.map { o in
            var o = o
            o["imported_at"] = nil
            return String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    @Test("every report prints the same from PostgreSQL as from SQLite, connector configuration included, and so for a role granted only the views")
    func reportsSameAsSQLite() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = try PostgresCluster.database()
        let sqlite = dir.file("s.sqlite")
        let connectors = try FileManager.default.contentsOfDirectory(
            atPath: SampleLogsTests.repository.appendingPathComponent("contrib/sample-connectors").path
        ).sorted().map { SampleLogsTests.repository.appendingPathComponent("contrib/sample-connectors/\($0)").path }
        for db in [sqlite, url] {
            #expect(try Binary.run(["ingest", "-q", "--db", db, Self.sampleLogs]).status == 0)
            let imported = try Binary.run(["connectors", "import", "--db", db] + connectors)
            #expect(imported.status == 0 && imported.stderr.contains("2 send connectors"), "\(imported.stderr)")
        }
        // A second import replaces the first in both stores, and says so.
        let again = try Binary.run(["connectors", "import", "--db", url] + connectors)
        #expect(again.stderr.contains("replaces the earlier configuration of EX01 (receive)"), "\(again.stderr)")
        #expect(try Binary.run(["connectors", "import", "--db", sqlite] + connectors).status == 0)
        let listed = try Self.connectorList(sqlite)
        #expect(listed.count == 8)
        #expect(try Self.connectorList(url) == listed)

        let role = "reader\(UInt32.random(in: 0...UInt32.max))"
        let database = String(url.split(separator: "?")[0].dropFirst("postgresql:///".count))
        try PostgresConnection(url: url, attempts: 1).execute("""
            CREATE ROLE \(role) LOGIN; GRANT CONNECT ON DATABASE \(database) TO \(role); GRANT USAGE ON SCHEMA public TO \(role);
            GRANT SELECT ON \(Self.views.joined(separator: ", ")), texts, ingest_log TO \(role);
            """)
        let reader = url.replacingOccurrences(of: "user=smtptls", with: "user=\(role)")
        var consequences = Set<String>()
        for report in Self.reports {
            let expected = try Binary.run(report + ["--db", sqlite])
            // (A summary of a day without logs exits 4 and says what days there are, from either store.)
            let noData = report.first == "summary" && report.contains("2024-03-02")
            #expect(expected.status == (noData ? 4 : 0) && expected.stdout.count > 150, "\(report): \(expected.stderr)")
            for db in [url, reader] {
                let r = try Binary.run(report + ["--db", db])
                #expect(r.status == expected.status, "\(report): \(r.stderr)")
                #expect(Self.withoutGenerationTime(r.stdout) == Self.withoutGenerationTime(expected.stdout), "\(report)")
                #expect(r.stderr == expected.stderr, "\(report)")
            }
            for c in ["breaks", "falls_back_to_plaintext", "unknown"] where expected.stdout.contains(c) { consequences.insert(c) }
        }
        // The configuration decided something: the comparison covered each consequence.
        #expect(consequences == ["breaks", "falls_back_to_plaintext", "unknown"])
    }

    @Test("impact over twelve days read in day ranges on companion sessions (one exported snapshot) = SQLite's, and = one range")
    func impactInParts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try smallFilesCorpus(in: dir, seed: 17, hours: 24 * 12, sessionsPerHour: 12)
        let url = try PostgresCluster.database()
        let sqlite = dir.file("s.sqlite")
        for db in [sqlite, url] { #expect(try Binary.run(["ingest", "-q", "--db", db, logs]).status == 0) }
        let companions = try PostgresSnapshotSource.reader(url: url).read(companions: 2) { _, others in
            try others.map { try $0.row("SELECT COUNT(*) FROM negotiations")!.int(0) }
        }
        let count = try StoreReader(path: sqlite).read { try $0.row("SELECT COUNT(*) FROM negotiations")!.int(0) }
        #expect(companions == [count, count])
        let report = ImpactReport()
        let expected = try report.run(StoreReader(path: sqlite), maximumParts: 1).table.rows
        #expect(expected.count > 20)
        for parts in [1, 3] {
            #expect(try report.run(PostgresSnapshotSource.reader(url: url), maximumParts: parts).table.rows == expected, "\(parts) parts")
        }
    }

    @Test("the same log under two server labels, read by two collectors at once, is counted once")
    func sameContentTwoLabels() throws {
        let url = try PostgresCluster.database()
        // Two collectors that both read the ledger before either commits.
        let a = try PostgresStore(url: url, attempts: 1, claim: .servers(["SITE-A"]))
        let b = try PostgresStore(url: url, attempts: 1, claim: .servers(["SITE-B"]))
        #expect(try a.loadLedger().isEmpty && b.loadLedger().isEmpty)
        let entry = LedgerEntry(
            fingerprint: 0xFEED, server: "SITE-A", path: "a/RECV2024030100-1.LOG", member: "", size: 100, modificationTime: 1,
            consumedBytes: 100, records: 3, malformedRows: 0)
        func commit(_ store: PostgresStore, _ e: LedgerEntry) throws {
            try store.commit(InputCommit(ledger: [e], delta: RollupDelta(), openSessions: .init(), malformedSamples: []))
        }
        try commit(a, entry)
        var copy = entry
        copy.server = "SITE-B"
        copy.path = "b/RECV2024030100-1.LOG"
        #expect { try commit(b, copy) } throws: { error in
            "\(error)".contains("another collector counted b/RECV2024030100-1.LOG") && "\(error)".contains("Nothing of the batch")
        }
        // The first collector's file grows: its next commit is written against what it wrote.
        var grown = entry
        grown.consumedBytes = 180
        grown.size = 180
        try commit(a, grown)
        // The second, behind, is refused again; after reading the ledger anew it may go on.
        var behind = copy
        behind.consumedBytes = 180
        #expect(throws: PostgresError.self) { try commit(b, behind) }
        #expect(try b.loadLedger()[0xFEED]?.consumedBytes == 180)
        behind.consumedBytes = 200
        try commit(b, behind)
        let stored = try PostgresQuery.run(url: url, "SELECT consumed_bytes, server FROM ingest_log", timeout: 0)
        #expect(stored.rows == [[.integer(200), .text("SITE-B")]])
    }

    @Test("SQLite's placeholders in PostgreSQL's spelling: ?N kept, a bare ? one past the highest so far, quotes and comments untouched")
    func placeholders() {
        let t = PostgresPlaceholders.translate
        #expect(t("day BETWEEN ?1 AND ?2 AND connector = ? AND server = ?") == "day BETWEEN $1 AND $2 AND connector = $3 AND server = $4")
        #expect(t("a = ? AND b = ?1 AND c = ?") == "a = $1 AND b = $1 AND c = $2")
        #expect(t("x = '?' AND \"col?\" = ? -- why?\nAND y = ?") == "x = '?' AND \"col?\" = $1 -- why?\nAND y = $2")
        #expect(t("s = 'it''s ?' OR s = ?") == "s = 'it''s ?' OR s = $1")
        #expect(t("?12 ?") == "$12 $13")
    }

    @Test("COPY text: values by tabs, rows by newlines, and a backslash, tab, newline or CR inside a text escaped")
    func copyText() {
        var copy = PostgresCopyText()
        copy.append("EX01\\Client\tFrontend\nx\ry")
        copy.append(-12)
        copy.append(7)
        copy.endRow()
        copy.append("")
        copy.endRow()
        #expect(String(decoding: copy.bytes, as: UTF8.self) == "EX01\\\\Client\\tFrontend\\nx\\ry\t-12\t7\n\n")
        #expect(copy.rows == 2)
    }

    @Test("a role with SELECT on the views only (docs/operations.md's grants) reads every view and no table")
    func readerRole() throws {
        let url = try PostgresCluster.database()
        #expect(try Binary.run(["ingest", "-q", "--db", url, Self.sampleLogs]).status == 0)
        let role = "reader\(UInt32.random(in: 0...UInt32.max))"
        let database = String(url.split(separator: "?")[0].dropFirst("postgresql:///".count))
        let admin = try PostgresConnection(url: url, attempts: 1)
        try admin.execute("""
            CREATE ROLE \(role) LOGIN; GRANT CONNECT ON DATABASE \(database) TO \(role); GRANT USAGE ON SCHEMA public TO \(role);
            GRANT SELECT ON \(Self.views.joined(separator: ", ")), texts, ingest_log TO \(role);
            """)
        let reader = url.replacingOccurrences(of: "user=smtptls", with: "user=\(role)")
        for v in Self.views + ["texts", "ingest_log"] {
            #expect(throws: Never.self) { try PostgresQuery.run(url: reader, "SELECT * FROM \(v) LIMIT 1", timeout: 0) }
        }
        #expect(try PostgresQuery.run(url: reader, "SELECT COUNT(*) FROM negotiations", timeout: 0).rows[0][0] != .integer(0))
        let denied = try Binary.run(["query", "--db", reader, "SELECT COUNT(*) FROM session_rollup"])
        #expect(denied.status == 1 && denied.stderr.contains("permission denied"))
    }

    @Test("copy moves an SQLite database into an empty PostgreSQL one: the same views and ledger; ingest there goes on from it")
    func copyFromSQLite() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sqlite = dir.file("s.sqlite")
        let ex01 = SampleLogsTests.repository.appendingPathComponent("SampleLogs/EX01").path
        #expect(try Binary.run(["ingest", "-q", "--db", sqlite, ex01]).status == 0)
        let url = try PostgresCluster.database()
        let copy = try Binary.run(["copy", "--db", sqlite, "--to", url])
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stderr.contains("session_rollup"))
        // EX01's logs hold an EHLO name in Latin-1 and a malformed row of binary bytes: stored as ingest stores them.
        #expect(copy.stderr.contains("texts were not UTF-8"))
        #expect(try Self.postgresViews(url) == (try Self.sqliteViews(sqlite)))
        let ledger = "SELECT path, member, server, size, consumed_bytes, records, malformed_rows, first_ingested, fingerprint FROM ingest_log"
        #expect(Self.rows(try PostgresQuery.run(url: url, ledger, timeout: 0)) == Self.rows(try ReadOnlyQuery(path: sqlite).run(ledger, timeout: 0)))
        // A second copy is refused: the target is no longer empty.
        let again = try Binary.run(["copy", "--db", sqlite, "--to", url])
        #expect(again.status == 1 && again.stderr.contains("already holds smtptls data"))
        // Both go on with every log: the copied ledger skips EX01, new ids continue after the copied ones.
        #expect(try Binary.run(["ingest", "-q", "--db", sqlite, Self.sampleLogs]).status == 0)
        #expect(try Binary.run(["ingest", "-q", "--db", url, Self.sampleLogs]).status == 0)
        #expect(try Self.postgresViews(url) == (try Self.sqliteViews(sqlite)))
    }

    @Test("the server stopped in the middle of an ingest: exit 1 with one sentence, nothing half-counted; the rerun finishes the job")
    func serverStoppedMidIngest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try smallFilesCorpus(in: dir, seed: 29, hours: 12, sessionsPerHour: 120)
        let clean = dir.file("clean.sqlite")
        #expect(try Binary.run(["ingest", "-q", "--db", clean, logs]).status == 0)
        let cluster = try OwnPostgresCluster()
        // One input per commit (the slowest ingest), so that the server goes away between commits.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["ingest", "-q", "--jobs", "1", "--db", cluster.url, logs]
        let errors = dir.file("stderr")
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        // Halt the server as soon as the collector has connected and created the schema: it is
        // then in the middle of its inputs (its commits come later), however slow its start.
        let admin = try PostgresConnection(url: cluster.url, attempts: 1)
        var connected = false
        for _ in 0..<3000 where !connected && process.isRunning {
            let tables = try? admin.query("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'ingested_inputs'").rows.first?[0]
            connected = tables.flatMap { $0 } == "1"
            if !connected { usleep(10_000) }
        }
        try cluster.halt()
        process.waitUntilExit()
        try cluster.resume()
        let message = smallFileText(errors)
        if process.terminationStatus != 0 {
            #expect(process.terminationStatus == 1)
            #expect(message.contains("PostgreSQL at") && message.contains("nothing of the batch in progress was counted"), "\(message)")
            #expect(!message.contains("PGRES") && !message.contains("SQLSTATE") && !message.contains("WARNING"))
        }
        let rerun = try Binary.run(["ingest", "-q", "--db", cluster.url, logs])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try Self.postgresViews(cluster.url) == (try Self.sqliteViews(clean)))
        #expect(process.terminationStatus == 1, "the server was stopped while the first ingest ran")
    }
}

extension PostgresStoreTests {
    @Test("texts PostgreSQL must change: an odd EHLO name keeps its own row; two that become the same text are one row with both sessions")
    func textsThatChange() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        /// A log of one plaintext session per EHLO name (given as bytes).
        func log(_ names: [[UInt8]], hour: Int) throws -> String {
            var log = LogText()
            log.header()
            for (i, name) in names.enumerated() {
                let session = "08DC3A0000000\(hour)\(i)", at = "2024-03-01T\(hour):00:0\(i)"
                log.row(at: "\(at).000Z", session: session, "+")
                log.raw(bytes: Array("\(at).100Z,EX01\\Default Frontend EX01,\(session),1,10.0.0.5:25,198.51.100.7:50001,<,EHLO ".utf8) + name + [0x2C])
                log.row(at: "\(at).200Z", session: session, seq: 2, "-", "", "Local")
            }
            let file = dir.url.appendingPathComponent("EX01/RECV20240301\(hour)-1.LOG")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try TemporaryDirectory.writeFile(file, log.bytes())
            return file.path
        }
        let url = try PostgresCluster.database()
        let senders = "SELECT ehlo, sessions FROM senders ORDER BY ehlo"
        // A NUL inside a name: PostgreSQL drops it; the batch's other rows keep their ids.
        let first = try log([Array("odd".utf8) + [0x00] + Array("name".utf8), Array("plain.example".utf8)], hour: 10)
        #expect(try Binary.run(["ingest", "-q", "--db", url, "--server", "EX01", first]).status == 0)
        #expect(try PostgresQuery.run(url: url, senders, timeout: 0).rows
            == [[.text("oddname"), .integer(1)], [.text("plain.example"), .integer(1)]])
        // Two names that differ only in a byte that is not UTF-8 both become one text: one row.
        let second = try log([Array("mail.".utf8) + [0xFF] + Array(".example".utf8), Array("mail.".utf8) + [0xFE] + Array(".example".utf8)], hour: 11)
        let r = try Binary.run(["ingest", "-q", "--db", url, "--server", "EX01", second])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try PostgresQuery.run(url: url, senders, timeout: 0).rows
            == [[.text("mail.\u{FFFD}.example"), .integer(2)], [.text("oddname"), .integer(1)], [.text("plain.example"), .integer(1)]])
        #expect(try PostgresQuery.run(url: url, "SELECT SUM(sessions) FROM plaintext_sessions", timeout: 0).rows == [[.integer(4)]])
    }
}
