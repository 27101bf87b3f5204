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
/// sessions leave the tallies again (``rollback(to:)``, to the checkpoint its result carries).
///
/// Flow: the log's stream takes the tallies before its first record (``take(server:)``) and puts
/// them back when its result is built (``put(_:)``); the merge rolls back or lets be; a batch's
/// flush drains them (``drain()``). The tallies are of one server: an input of another moves
/// them into the batch's waiting delta first. Only a log that is a whole input carries (not an
/// archive member: an archive holds its members' results back one at a time).
final class TallyCarry: Sendable {
    private struct State {
        var server = ""
        var tallies = SessionTallies()
        /// Tallies of the batch's earlier servers, as rollups.
        var waiting = RollupDelta()
    }

    private let state = Mutex(State())

    init() {}

    /// The tallies an input of `server` counts on into, moved out of the carry (it holds empty
    /// ones until ``put(_:)``).
    func take(server: String) -> SessionTallies {
        state.withLock { s in
            if s.server != server {
                if s.tallies.rowCount > 0 { s.waiting.merge(Self.rollups(s.tallies, server: s.server)) }
                s.tallies = SessionTallies()
                s.server = server
            }
            let t = s.tallies
            s.tallies = SessionTallies()
            return t
        }
    }

    /// The tallies back, with the input's sessions in them.
    func put(_ tallies: SessionTallies) {
        state.withLock { $0.tallies = tallies }
    }

    /// Takes the last input out of the tallies again (it does not count after all).
    func rollback(to checkpoint: SessionTallies.Checkpoint) {
        state.withLock { $0.tallies.rollback(to: checkpoint) }
    }

    /// Rollup rows waiting (the batch's bound counts them).
    var rowCount: Int {
        state.withLock { $0.tallies.rowCount + $0.waiting.rowCount }
    }

    /// Everything carried, as one delta of rollups (no session counts: those travel with each
    /// input's result); the carry starts again empty.
    func drain() -> RollupDelta {
        state.withLock { s in
            var delta = Self.rollups(s.tallies, server: s.server)
            delta.merge(s.waiting)
            s = State()
            return delta
        }
    }

    private static func rollups(_ tallies: SessionTallies, server: String) -> RollupDelta {
        var delta = RollupDelta()
        if tallies.rowCount > 0 { delta.addRollups(tallies, server: server) }
        return delta
    }
}
