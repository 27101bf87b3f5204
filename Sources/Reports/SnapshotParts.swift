import Dispatch
import Foundation
import LogScanner
import Store
import Synchronization

/// A long window read in parts — consecutive day ranges, each on a snapshot of its own and a
/// thread of its own — when the store gives companion snapshots of the same state
/// (``StoreReader/read(companions:_:)``); one part on the report's snapshot otherwise.
/// Parts come back in day order, so a report that merges them in order sees rows in the order
/// one scan of the whole window would give.
struct SnapshotParts {
    /// Each part's extra conditions on `v.day` and their parameters (`v.day <= ?`, `v.day > ?`).
    let ranges: [(clauses: [String], parameters: [String])]
    private let snapshots: [Handoff]

    /// One part's snapshot, handed to the thread that reads it: used only inside the lock, so by
    /// one thread at a time (the report's own thread uses the first one again only after every
    /// part has returned).
    private final class Handoff: @unchecked Sendable {
        private let lock = Mutex(())
        private let snapshot: Snapshot
        init(_ snapshot: Snapshot) { self.snapshot = snapshot }

        func with<T>(_ body: (Snapshot) throws -> T) throws -> T {
            try lock.withLock { _ in try body(snapshot) }
        }
    }

    /// Parts for the days `first...last` over `main` and `companions` (no more parts than
    /// snapshots, and one part for windows under a week).
    init(main: Snapshot, companions: [Snapshot], first: UTCDay?, last: UTCDay?) {
        var all = [main] + companions
        let days = first.flatMap { f in last.map { $0.number - f.number + 1 } } ?? 0
        if days < 7 { all = [main] }
        var ranges: [(clauses: [String], parameters: [String])] = []
        if all.count == 1 || first == nil {
            ranges = [([], [])]
            all = [main]
        } else {
            let n = Int64(all.count)
            // Part i holds the days after bound i-1 up to bound i (the first and last open-ended).
            let bounds = (1..<n).map { first!.adding(days: days * $0 / n - 1).description }
            for i in 0..<Int(n) {
                var clauses: [String] = []
                var parameters: [String] = []
                if i > 0 {
                    clauses.append("v.day > ?")
                    parameters.append(bounds[i - 1])
                }
                if i < Int(n) - 1 {
                    clauses.append("v.day <= ?")
                    parameters.append(bounds[i])
                }
                ranges.append((clauses, parameters))
            }
        }
        self.ranges = ranges
        snapshots = all.map { Handoff($0) }
    }

    var count: Int { ranges.count }

    /// `work(part, snapshot)` for every part, at the same time when there are several; the
    /// results in part order. Each part's snapshot is used by its thread only.
    func map<T: Sendable>(_ work: @escaping @Sendable (Int, Snapshot) throws -> T) throws -> [T] {
        if count == 1 { return [try snapshots[0].with { try work(0, $0) }] }
        let results = Mutex<[Int: Result<T, any Error>]>([:])
        let snapshots = self.snapshots
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let result = Result { try snapshots[i].with { try work(i, $0) } }
            results.withLock { $0[i] = result }
        }
        let done = results.withLock { $0 }
        return try (0..<count).map { try done[$0]!.get() }
    }
}
