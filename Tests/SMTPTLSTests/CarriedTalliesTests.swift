import Foundation
@testable import Ingest
import LogGenerator
import Rollups
import Store
import Testing
import TLSSessions
import TestSupport

/// Tallies carried across inputs with several jobs (``TallyCarry``, ``CarryPlan``).
@Suite("Carried tallies with several jobs: which inputs carry, and batches that hold exactly their inputs")
struct CarriedTalliesTests {
    /// Four hours of two servers' logs rotated at 32 KB (the parallel test's shape, another seed).
    static func corpus(_ dir: TemporaryDirectory) throws -> String {
        try CorpusTruthTests.rotatedCorpus(dir, seed: 17)
    }

    static func logFiles(_ logs: String) throws -> [String] {
        try InputDiscovery.discover([logs], server: nil).inputs.map(\.path).filter { $0.hasSuffix(".LOG") }
    }

    @Test("the plan carries each plain log whose fingerprint is its own, as the scan computes it; a copy, an archive or a compressed input changes that")
    func plan() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try Self.corpus(dir)
        let files = try Self.logFiles(logs)
        #expect(files.count > 6)
        let notes = dir.file("notes.txt")
        try Data("not a log\n".utf8).write(to: URL(fileURLWithPath: notes))
        func inputs(_ paths: [String]) throws -> [InputFile] { try InputDiscovery.discover(paths, server: nil).inputs }

        // Every log carries, with the fingerprint its scan finds; a file that is no log does not.
        let all = try inputs(files + [notes])
        let plan = try #require(CarryPlan.make(all))
        #expect(plan.fingerprints.count == files.count)
        for (index, input) in all.enumerated() where input.path.hasSuffix(".LOG") {
            var scanned: InputScanResult?
            InputScanner().scan(input, resumeOffset: { _ in 0 }) { scanned = $0 }
            #expect(plan.fingerprints[index] == scanned?.fingerprint, "\(input.path)")
        }

        // A copy of a log: neither it nor its original carries (the merge reads the second again).
        let copy = dir.file("copy.LOG")
        try FileManager.default.copyItem(atPath: files[2], toPath: copy)
        let withCopy = try inputs(files + [copy])
        let copied = try #require(CarryPlan.make(withCopy))
        #expect(copied.fingerprints.count == files.count - 1)
        #expect(copied.fingerprints[withCopy.count - 1] == nil)
        #expect(copied.fingerprints[withCopy.firstIndex { $0.path == files[2] }!] == nil)

        // A compressed input or an archive tells its fingerprints only when read: nothing carries.
        try ArchiveTests.shell("gzip -c '\(files[0])' > one.LOG.gz && tar -cf logs.tar -C '\(logs)' .", in: dir.url.path)
        #expect(CarryPlan.make(try inputs(files + [dir.file("one.LOG.gz")])) == nil)
        #expect(CarryPlan.make(try inputs(files + [dir.file("logs.tar")])) == nil)
    }

    @Test("a log whose first bytes are no longer what the plan read keeps tallies of its own")
    func rewrittenLogKeepsItsOwn() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let input = try #require(try InputDiscovery.discover([Self.logFiles(Self.corpus(dir))[1]], server: nil).inputs.first)
        let carry = TallyCarry()
        let slot = TallyCarry.Slot(generation: 0, server: input.server)
        var own: InputScanResult?
        InputScanner().scan(input, resumeOffset: { _ in 0 }, carry: nil) { own = $0 }
        let fingerprint = try #require(own?.fingerprint)
        #expect(own?.delta.rowCount ?? 0 > 0)

        var stale: InputScanResult?
        let wrong = TallyCarry.Target(carry: carry, slot: slot, expectedFingerprint: fingerprint ^ 1)
        InputScanner().scan(input, resumeOffset: { _ in 0 }, carry: wrong) { stale = $0 }
        #expect(stale?.carried == nil)
        #expect(stale?.delta.rowCount == own?.delta.rowCount)
        #expect(carry.rowCount == 0)

        var carried: InputScanResult?
        let right = TallyCarry.Target(carry: carry, slot: slot, expectedFingerprint: fingerprint)
        InputScanner().scan(input, resumeOffset: { _ in 0 }, carry: right) { carried = $0 }
        #expect(carried?.carried != nil)
        #expect(carried?.delta.sessionCounts.count == 0)
        #expect(carried?.delta.sessionCount == own?.delta.sessionCount)
        // The carried tallies hold exactly the rows the log's own would.
        func rows(_ d: RollupDelta) -> [String] {
            var out: [String] = []
            d.forEachSession { out.append("\($0) \($1)") }
            d.forEachIdentity { out.append("\($0) \($1)") }
            return out.sorted()
        }
        let drained = carry.drain(through: 0)
        #expect(!rows(drained).isEmpty)
        #expect(rows(drained) == rows(try #require(own).delta))
        #expect(carry.rowCount == 0)
    }

    /// Forwards to a store and fails every commit after the first `commits`, as a run killed
    /// between two transactions would leave it; with `commitsElsewhere`, says its commits are a
    /// server's work, as PostgreSQL's are (``BatchBoundaries``).
    final class StopsAfter: RollupStore, @unchecked Sendable {
        let inner: SQLiteStore
        var left: Int
        let commitsElsewhere: Bool
        init(_ inner: SQLiteStore, commits: Int, commitsElsewhere: Bool = false) {
            self.inner = inner
            left = commits
            self.commitsElsewhere = commitsElsewhere
        }
        struct Stopped: Error {}
        func loadOpenSessions() throws -> [SessionFragment] { try inner.loadOpenSessions() }
        func loadLedger() throws -> [UInt64: LedgerEntry] { try inner.loadLedger() }
        func commit(_ commit: InputCommit) throws {
            guard left > 0 else { throw Stopped() }
            left -= 1
            try inner.commit(commit)
        }
    }

    @Test("with several jobs each batch holds the rollups of exactly its ledger's inputs: a run stopped after one of its commits, then run again, gives the clean totals")
    func batchesHoldTheirInputs() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try Self.corpus(dir)
        let clean = dir.file("clean.sqlite")
        _ = try ingest([logs], db: clean, jobs: 1)
        for (stop, jobs) in [(1, 3), (2, 2), (3, 4), (5, 3)] {
            let db = dir.file("stopped-\(stop)-\(jobs).sqlite")
            var options = IngestOptions()
            options.jobs = jobs
            // Batches of 30 rows: 10–14 commits for this corpus (at least 7 however the jobs run: a
            // batch ends with the last input claimed, up to jobs + 2 past the one that filled it).
            options.maximumBatchRows = 30
            let store = StopsAfter(try SQLiteStore(path: db), commits: stop)
            #expect(throws: StopsAfter.Stopped.self) {
                _ = try IngestPipeline(store: store, options: options).run(InputDiscovery.discover([logs], server: nil))
            }
            #expect(try ReadOnlyQuery(path: db).run("SELECT count(*) FROM ingested_inputs").rows != [[.integer(0)]])
            _ = try ingest([logs], db: db, jobs: jobs)
            for sql in [RollupDump.sessions, RollupDump.identities] {
                #expect(try ReadOnlyQuery(path: db).run(sql).rows == ReadOnlyQuery(path: clean).run(sql).rows,
                        "stopped after \(stop) commits, \(jobs) jobs: \(sql)")
            }
        }
    }
}
