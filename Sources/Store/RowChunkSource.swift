import Foundation
import ByteInput

/// How a commit builds its rollup tables' rows (``RowChunkSource``). Ingest uses the default;
/// tests choose.
public struct RowBuilding: Sendable {
    /// Each table's rows on a thread of its own (true), on the committing thread (false), or on
    /// a thread of their own for a table of ``RowChunkSource/threadedRows`` rows or more when
    /// the process may use a second core (nil).
    public var threaded: Bool?
    /// Rows a chunk holds before it is handed on (it ends between statements).
    public var rowsPerChunk: Int

    public init(threaded: Bool? = nil, rowsPerChunk: Int = 1024) {
        self.threaded = threaded
        self.rowsPerChunk = rowsPerChunk
    }

    /// Whether a table of `rows` rows is built on a thread of its own.
    func threads(rows: Int) -> Bool {
        threaded ?? (rows >= RowChunkSource.threadedRows && RowChunkSource.hasSecondCore)
    }
}

/// One rollup table's row chunks for a commit, built by a producer and handed, in order, to
/// the committing thread's `consume` (``forEach(_:)``).
///
/// A big table's producer runs on a thread of its own when the process may use more than one
/// core (``RowBuilding``), so that the committing thread binds and steps the chunks already
/// built while the next ones are sorted and filled (docs/performance.md, "Rows built beside the
/// commit"); at most ``depth`` built chunks wait. Otherwise the producer runs inside
/// ``forEach(_:)``, each chunk consumed as it is emitted.
///
/// The owner must call ``stop()`` on every path (`defer`): it returns only after the thread, if
/// any, has ended.
final class RowChunkSource: @unchecked Sendable {
    typealias Producer = @Sendable (_ emit: (RowChunk) throws -> Void) throws -> Void

    /// Rows from which a table's chunks are built on a thread of their own.
    static let threadedRows = 4096
    static let depth = 4
    /// Whether this process may run on more than one core (`taskset`, cgroups' cpusets).
    static let hasSecondCore = CPUAffinity.count > 1

    private let produce: Producer
    private let threaded: Bool
    // Invariant: `waiting`, `produced`, `stopped` and `ended` are read and written only under
    // `condition`; `produce` runs once, on the producing thread or inside `forEach`.
    private let condition = NSCondition()
    private var waiting: [RowChunk] = []
    /// `produce` has returned: nothing more will be added.
    private var produced = false
    /// The consumer is done (finished or failed): chunks are dropped, the producer runs out.
    private var stopped = false
    /// The producing thread's body has returned (true when there is no thread).
    private var ended = true

    init(threaded: Bool, produce: @escaping Producer) {
        self.produce = produce
        self.threaded = threaded
        guard threaded else { return }
        ended = false
        let thread = Thread { [self] in
            try? produce { put($0) }  // put does not throw
            condition.withLock {
                produced = true
                ended = true
                condition.broadcast()
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Hands every chunk, in key order, to `consume`.
    func forEach(_ consume: (RowChunk) throws -> Void) throws {
        guard threaded else { return try produce(consume) }
        while let chunk = next() { try consume(chunk) }
    }

    private func put(_ chunk: RowChunk) {
        condition.withLock {
            while !stopped && waiting.count >= Self.depth { condition.wait() }
            guard !stopped else { return }
            waiting.append(chunk)
            condition.broadcast()
        }
    }

    private func next() -> RowChunk? {
        condition.withLock {
            while waiting.isEmpty && !produced { condition.wait() }
            guard !waiting.isEmpty else { return nil }
            condition.broadcast()
            return waiting.removeFirst()
        }
    }

    /// Drops what is left and waits for the producing thread to end.
    func stop() {
        condition.withLock {
            stopped = true
            waiting.removeAll()
            condition.broadcast()
            while !ended { condition.wait() }
        }
    }
}
