import Rollups
import Synchronization
import TLSSessions

/// The tallies a one-job ingest carries from each input to the next (docs/architecture.md,
/// "Tallies carried across inputs").
///
/// When inputs are scanned one at a time and each result is merged before the next input is
/// read (``ParallelScan/runsInOrder(jobs:count:)``), a log's tracker counts its sessions straight
/// into the tallies of the inputs before it, instead of into tallies of its own that the merge
/// would then add, key by key, into the batch's (0.13 s per GB of the large-file corpus, most
/// of it waiting for a batch table the scan had pushed out of the cache). The merge only decides
/// whether the input counts: if it does not (unreadable, unchanged, read twice in the run), its
/// sessions leave the tallies again (``rollback(to:server:)``, to the checkpoint its result
/// carries).
///
/// Flow: the log's stream takes its server's tallies before its first record
/// (``take(server:)``) and puts them back when its result is built (``put(_:server:)``); the
/// merge rolls back or lets be; a batch's flush drains them all (``drain()``). Only a log that is
/// a whole input carries (not an archive member: an archive holds its members' results back one
/// at a time, so a member's checkpoint would not be its tallies' last).
final class TallyCarry: Sendable {
    /// Each server's tallies (a tally key's server is its tallies' one server; inputs of a fleet's
    /// servers come interleaved, hour by hour).
    private let state = Mutex([String: SessionTallies]())

    init() {}

    /// The tallies an input of `server` counts on into, moved out of the carry (it holds none
    /// of that server until ``put(_:server:)``).
    func take(server: String) -> SessionTallies {
        state.withLock { $0.removeValue(forKey: server) ?? SessionTallies() }
    }

    /// The tallies back, with the input's sessions in them.
    func put(_ tallies: SessionTallies, server: String) {
        state.withLock { $0[server] = tallies }
    }

    /// Takes the last input of `server` out of its tallies again (it does not count after all).
    func rollback(to checkpoint: SessionTallies.Checkpoint, server: String) {
        state.withLock { $0[server]?.rollback(to: checkpoint) }
    }

    /// Rollup rows waiting (the batch's bound counts them).
    var rowCount: Int {
        state.withLock { $0.values.reduce(0) { $0 + $1.rowCount } }
    }

    /// Everything carried, as one delta of rollups (no session counts: those travel with each
    /// input's result), servers in name order; the carry starts again empty.
    func drain() -> RollupDelta {
        state.withLock { all in
            var delta = RollupDelta()
            for server in all.keys.sorted() where all[server]!.rowCount > 0 {
                delta.addRollups(all[server]!, server: server)
            }
            all = [:]
            return delta
        }
    }
}
