import Foundation
import Rollups

/// Commits batches on a thread of its own, so SQLite's work on one batch overlaps the scanning
/// and merging of the next instead of stopping them.
///
/// Batches are committed one at a time, in the order submitted, each atomically (the store's
/// contract), so a killed run leaves exactly the batches committed before it: crash consistency
/// is the same as committing inline. At most one batch waits while one commits; `submit` blocks
/// beyond that, which bounds memory to two batches. The first failure stops later commits and is
/// thrown by the next `submit` or by `drain`.
final class BackgroundCommitter: @unchecked Sendable {
    // Invariant: `store` is used only on `queue` between the first submit and `drain` returning;
    // `failure`, `busyNanoseconds` and `committed` only under `lock`.
    private let store: any RollupStore
    private let queue = DispatchQueue(label: "smtptls.commit")
    private let slot = DispatchSemaphore(value: 1)
    private let lock = NSLock()
    private var failure: (any Error)?
    private var busyNanoseconds: UInt64 = 0
    private var committed = 0

    /// Seconds spent inside the store's commits so far (read after ``drain()``).
    var busySeconds: Double { Double(lock.withLock { busyNanoseconds }) / 1e9 }
    /// Commits that succeeded so far (read after ``drain()``).
    var commits: Int { lock.withLock { committed } }

    init(store: any RollupStore) { self.store = store }

    /// Queues a commit; waits while the previous one is still running.
    func submit(_ commit: InputCommit) throws {
        try rethrowFailure()
        slot.wait()
        queue.async { [self] in
            defer { slot.signal() }
            guard lock.withLock({ failure == nil }) else { return }
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                try store.commit(commit)
                lock.withLock { committed += 1 }
            } catch {
                lock.withLock { failure = error }
            }
            let spent = DispatchTime.now().uptimeNanoseconds - started
            lock.withLock { busyNanoseconds += spent }
        }
    }

    /// Waits for every queued commit; throws the first failure.
    func drain() throws {
        queue.sync {}
        try rethrowFailure()
    }

    private func rethrowFailure() throws {
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
