import ByteInput
import Rollups
import TLSSessions

/// The tallies an ingest carries from each input to the next (docs/architecture.md, "Tallies
/// carried across inputs").
///
/// A log's tracker counts its sessions straight into tallies of the inputs read before it,
/// instead of into tallies of its own that the serial merge would then add, key by key, into the
/// batch's (0.13 s per GB of the large-file corpus, most of it waiting for a batch table the scan
/// had pushed out of the cache). The merge only decides whether the input counts.
///
/// Tallies belong to a *generation*: the inputs claimed for scanning between two closings
/// (``ScanGenerations``). A batch is closed at the highest input claimed so far, so every input of
/// a generation is merged into the batch that drains it (``drain(through:)``), and no later
/// input's sessions are in it. Within a generation each server has one or more tallies (one per
/// log being scanned at once: ``take(_:)`` hands out one no other log holds).
///
/// Taking an input back out (``rollback(to:in:)``) is possible only while its tallies are the
/// last counted into: with one job, each result is merged before the next input is read. With
/// several jobs a worker may already have counted other inputs on top, so only inputs that the
/// merge cannot turn away carry there (``CarryPlan``); a log that fails part way still rolls
/// itself back before it hands its tallies on (`LogStream.failed`).
///
/// Flow: the log's stream takes its server's tallies before its first record and puts them back
/// when its result is built; the merge rolls back (one job) or lets be; a batch's flush drains
/// the generations it closed.
final class TallyCarry: Sendable {
    /// Where a log counts: its input's generation and server.
    struct Slot: Hashable, Sendable {
        var generation: Int
        var server: String
    }

    /// Where a log is to count, as its scan is told: the carry, its slot, and (several jobs) the
    /// fingerprint ``CarryPlan`` read for it, which the log must still have.
    struct Target: Sendable {
        var carry: TallyCarry
        var slot: Slot
        /// nil: carry without looking (one job: the merge can take the log back out).
        var expectedFingerprint: UInt64?
    }

    /// Where a log's sessions start in the carried tallies: for a merge that does not count it to
    /// take them out again (one job).
    struct Mark: Sendable {
        var checkpoint: SessionTallies.Checkpoint
        var slot: Slot
    }

    /// Tallies not held by a log, by slot.
    private let state = LockedValue([Slot: [SessionTallies]]())

    init() {}

    /// Tallies of `slot` that no other log holds (the last put back, or new ones), moved out of
    /// the carry until ``put(_:_:)``.
    func take(_ slot: Slot) -> SessionTallies {
        state.withLock { $0[slot]?.popLast() ?? SessionTallies() }
    }

    /// The tallies back, with the log's sessions in them.
    func put(_ tallies: SessionTallies, _ slot: Slot) {
        state.withLock { $0[slot, default: []].append(tallies) }
    }

    /// Takes the last input counted into `slot`'s tallies out again (it does not count after
    /// all). Only for a carry whose slot has one tallies, the input's the last counted into them:
    /// scanning with one job.
    func rollback(to checkpoint: SessionTallies.Checkpoint, in slot: Slot) {
        state.withLock { all in
            precondition(all[slot]?.count == 1, "a rollback needs the slot's one tallies, put back")
            all[slot]![0].rollback(to: checkpoint)
        }
    }

    /// Rollup rows waiting, as the batch's bound counts them: about the rows the commit will
    /// see — in each slot, the rows of its largest tallies — but at least a quarter of all rows
    /// held. Several jobs' tallies of one server hold mostly the same keys (the same connectors
    /// and addresses, hour after hour): a plain sum closed batches at half their rows with two
    /// jobs, upserting a day's keys again in each; the quarter keeps what many jobs hold at
    /// once bounded (four batches' worth).
    var rowCount: Int {
        state.withLock { all in
            var largest = 0
            var held = 0
            for tallies in all.values {
                largest += tallies.lazy.map(\.rowCount).max() ?? 0
                held += tallies.reduce(0) { $0 + $1.rowCount }
            }
            return max(largest, held / 4)
        }
    }

    /// Everything carried for generations up to `generation`, as one delta of rollups (no
    /// session counts: those travel with each input's result), in slot order; those slots are
    /// emptied. Every log of those generations must have put its tallies back.
    func drain(through generation: Int) -> RollupDelta {
        state.withLock { all in
            var delta = RollupDelta()
            let slots = all.keys.filter { $0.generation <= generation }
                .sorted { ($0.generation, $0.server) < ($1.generation, $1.server) }
            for slot in slots {
                for tallies in all.removeValue(forKey: slot)! where tallies.rowCount > 0 {
                    delta.addRollups(tallies, server: slot.server)
                }
            }
            return delta
        }
    }
}
