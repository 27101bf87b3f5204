import Foundation
@testable import Ingest
import Rollups
import Store
import Testing
import TestSupport

/// Batches that end early, where the inputs before and after share few rollup keys, for a store
/// whose commits are its server's work (``BatchBoundaries``, ``RollupStore/commitsElsewhere``).
@Suite("Early commits: where a run's batches end for a database server, and the same totals")
struct EarlyCommitTests {
    /// Two servers' logs from 22:00 to 02:00 (across midnight), rotated at 32 KB.
    static func corpus(_ dir: TemporaryDirectory) throws -> String {
        try CorpusTruthTests.rotatedCorpus(dir, seed: 23, start: 1_709_251_200_000 - 2 * 3_600_000)
    }

    @Test("a log's date from its name: Exchange's hourly and daily names, and none")
    func namedDays() {
        #expect(BatchBoundaries.namedDay("/x/EX01/SmtpReceive/RECV2024030114-2.LOG") == 20_240_301)
        #expect(BatchBoundaries.namedDay("SEND20240229-1.LOG") == 20_240_229)
        #expect(BatchBoundaries.namedDay("/logs/2024/RECV-1.LOG") == nil)
        #expect(BatchBoundaries.namedDay("/logs/20240301/smtp.log") == nil, "the directory's digits are not the name's")
        #expect(BatchBoundaries.namedDay("trace-1234567.log") == nil)
    }

    @Test("batches start where no group goes on past them or where the file names' day changes, once they hold enough")
    func plannedStarts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let inputs = try InputDiscovery.discover([Self.corpus(dir)], server: nil).inputs
        let names = inputs.map { ($0.path as NSString).lastPathComponent }
        let starts = BatchBoundaries.plan(inputs, minimumBytes: 1)
        // In file-name order the legacy server's daily logs come first (RECV20240229-1 sorts
        // before RECV2024022922-1). Starts: each first log of March 1st (daily and hourly, receive
        // and send), and the first send log (every receive log is before it, none after it).
        let expected = try ["RECV20240301", "RECV2024030100", "SEND", "SEND20240301", "SEND2024030100"].map { prefix in
            try #require(names.firstIndex { $0.hasPrefix(prefix) }, "\(prefix)")
        }
        #expect(starts.isSuperset(of: expected))
        #expect(!starts.contains(0))
        // Every start is a clean cut (no input before it shares a server and directory with one
        // after it) or a later day in the file names.
        let group = inputs.map { "\($0.server) \(($0.path as NSString).deletingLastPathComponent)" }
        for s in starts {
            let clean = Set(group[..<s]).isDisjoint(with: group[s...])
            let laterDay = (BatchBoundaries.namedDay(names[s]) ?? 0) > (BatchBoundaries.namedDay(names[s - 1]) ?? .max)
            #expect(clean || laterDay, "a start at \(names[s])")
        }
        let firstSend = expected[2]
        // Enough of the run first: none when a batch must hold more than all of it.
        let total = inputs.reduce(0) { $0 + $1.size }
        #expect(BatchBoundaries.plan(inputs, minimumBytes: total + 1).isEmpty)
        // Holding all the receive logs' bytes: the first start is the first send log.
        let receiveBytes = inputs[..<firstSend].reduce(0) { $0 + $1.size }
        #expect(BatchBoundaries.plan(inputs, minimumBytes: receiveBytes).min() == firstSend)
    }

    @Test("generations close at the planned starts and when the merge closes them, in order, each once")
    func generations() {
        let g = ScanGenerations(batchStarts: [2, 3, 6])
        #expect(g.claim(0) == 0 && g.claim(1) == 0)
        #expect(g.claim(2) == 1)
        #expect(g.claim(3) == 2)
        #expect(g.close() == ScanGenerations.Close(lastInput: 3, generation: 2))
        #expect(g.claim(4) == 3 && g.claim(5) == 3)
        #expect(g.close() == ScanGenerations.Close(lastInput: 5, generation: 3))
        // The generation closed by the merge holds no input: the planned start closes nothing.
        #expect(g.claim(6) == 4)
        var closes: [ScanGenerations.Close] = []
        while let c = g.nextClose {
            closes.append(c)
            g.closeFlushed()
        }
        #expect(closes.map(\.lastInput) == [1, 2, 3, 5])
        #expect(closes.map(\.generation) == [0, 1, 2, 3])
    }

    @Test("a run that commits early, with one job or several, stopped after any of its commits and run again: the totals of one plain run")
    func sameTotals() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try Self.corpus(dir)
        let clean = dir.file("clean.sqlite")
        let plain = try ingest([logs], db: clean, jobs: 1)
        #expect(plain.commits == 1)
        for (stop, jobs) in [(nil, 1), (nil, 3), (1, 1), (2, 3), (3, 2)] as [(Int?, Int)] {
            let db = dir.file("early-\(stop ?? 0)-\(jobs).sqlite")
            var options = IngestOptions()
            options.jobs = jobs
            options.earlyCommitBytes = 1
            let store = CarriedTalliesTests.StopsAfter(try SQLiteStore(path: db), commits: stop ?? .max, commitsElsewhere: true)
            let run = { try IngestPipeline(store: store, options: options).run(InputDiscovery.discover([logs], server: nil)) }
            if stop != nil {
                #expect(throws: CarriedTalliesTests.StopsAfter.Stopped.self) { _ = try run() }
                _ = try ingest([logs], db: db, jobs: jobs)
            } else {
                let summary = try run()
                #expect(summary.commits >= 3, "\(jobs) jobs")
                #expect(summary.sessions.sessionCount == plain.sessions.sessionCount)
            }
            for sql in [RollupDump.sessions, RollupDump.identities] {
                #expect(try ReadOnlyQuery(path: db).run(sql).rows == ReadOnlyQuery(path: clean).run(sql).rows,
                        "stopped after \(stop.map(String.init) ?? "no") commits, \(jobs) jobs: \(sql)")
            }
        }
    }
}
