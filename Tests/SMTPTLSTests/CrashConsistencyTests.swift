import Foundation
import Store
import Testing
import TestSupport

@Suite("Crash consistency: a killed ingest, then a rerun, gives the clean totals")
struct CrashConsistencyTests {
    @Test("SIGKILL at random moments, rerun to completion: integrity ok and totals identical to one clean run")
    func killAndRerun() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try smallFilesCorpus(in: dir, seed: 21, hours: 6, sessionsPerHour: 60)
        let clean = dir.file("clean.sqlite")
        #expect(try Binary.run(["ingest", "-q", "--db", clean, logs]).status == 0)
        // Kills land inside what one whole run takes (timed into a scratch database).
        let whole = try KillLoop.timed(["ingest", "-q", "--jobs", "2", "--db", dir.file("timed.sqlite"), logs])

        let killed = dir.file("killed.sqlite")
        let interrupted = try KillLoop.run(
            ["ingest", "-q", "--jobs", "2", "--db", killed, logs], rounds: 20, delays: KillLoop.delays(within: whole), seed: 99)
        #expect(try Binary.run(["ingest", "-q", "--db", killed, logs]).status == 0)
        let integrity = try ReadOnlyQuery(path: killed).run("PRAGMA integrity_check").rows
        #expect(integrity == [[.text("ok")]])
        for sql in [RollupDump.sessions, RollupDump.identities, RollupDump.authFailures,
                    "SELECT fingerprint, consumed_bytes, records FROM ingested_inputs ORDER BY 1"] {
            #expect(try ReadOnlyQuery(path: killed).run(sql).rows == ReadOnlyQuery(path: clean).run(sql).rows, "\(sql)")
        }
        #expect(interrupted > 0, "at least one run was killed mid-way")
    }
}
