import Foundation

/// Scans inputs on up to `jobs` threads and hands their results to `consume` strictly in input
/// order — all results of input 0 (one per log: an archive has many), then input 1, and so on.
///
/// Memory stays bounded: at most `jobs + 2` inputs are in flight (each scanning one, two done
/// and waiting for the ordered hand-over; each holds its sessions and rollup delta until
/// consumed, about 9 MB for an hourly log of the benchmark corpus), and a scanner producing the
/// members of a large archive waits while four of its results are still unconsumed. `consume`
/// runs on the calling thread.
enum ParallelScan {
    /// Whether ``run(_:jobs:scan:consume:)`` scans on the calling thread, each result consumed
    /// before the next input is read (what ``TallyCarry`` needs).
    static func runsInOrder(jobs: Int, count: Int) -> Bool { jobs <= 1 || count <= 1 }

    static func run<R: Sendable>(
        _ inputs: [InputFile], jobs: Int, scan: @escaping @Sendable (InputFile, (R) -> Void) -> Void,
        consume: (R) throws -> Void
    ) throws {
        if runsInOrder(jobs: jobs, count: inputs.count) {
            var failure: (any Error)?
            for input in inputs {
                scan(input) { result in
                    guard failure == nil else { return }
                    do { try consume(result) } catch { failure = error }
                }
                if let failure { throw failure }
            }
            return
        }
        let state = SharedState<R>(count: inputs.count, window: jobs + 2)
        for _ in 0..<min(jobs, inputs.count) {
            let thread = Thread {
                while let index = state.claim() {
                    scan(inputs[index]) { state.deliver(index, $0) }
                    state.finish(index)
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        defer { state.stop() }
        for index in 0..<inputs.count {
            while let result = state.next(index) { try consume(result) }
        }
    }

    /// Claims, queued results and the consumer's position, under one condition lock.
    final class SharedState<R>: @unchecked Sendable {
        private let condition = NSCondition()
        private var nextClaim = 0
        private var consuming = 0
        private var stopped = false
        private var queues: [Int: [R]] = [:]
        private var done = Set<Int>()
        private let count: Int
        private let window: Int
        private let perInputLimit = 4

        init(count: Int, window: Int) {
            self.count = count
            self.window = window
        }

        /// The next input index to scan, waiting while the window is full; nil when done.
        func claim() -> Int? {
            condition.lock()
            defer { condition.unlock() }
            while !stopped && nextClaim < count && nextClaim >= consuming + window { condition.wait() }
            guard !stopped, nextClaim < count else { return nil }
            nextClaim += 1
            return nextClaim - 1
        }

        /// Queues a result, waiting while this input already has `perInputLimit` waiting.
        func deliver(_ index: Int, _ result: R) {
            condition.lock()
            defer { condition.unlock() }
            while !stopped && (queues[index]?.count ?? 0) >= perInputLimit { condition.wait() }
            guard !stopped else { return }
            queues[index, default: []].append(result)
            condition.broadcast()
        }

        func finish(_ index: Int) {
            condition.lock()
            done.insert(index)
            condition.broadcast()
            condition.unlock()
        }

        /// The next result of input `index`, in order; nil once the input is fully consumed.
        func next(_ index: Int) -> R? {
            condition.lock()
            defer { condition.unlock() }
            consuming = index
            while (queues[index]?.isEmpty ?? true) && !done.contains(index) { condition.wait() }
            if var queue = queues[index], !queue.isEmpty {
                let first = queue.removeFirst()
                queues[index] = queue
                condition.broadcast()
                return first
            }
            queues.removeValue(forKey: index)
            done.remove(index)
            consuming = index + 1
            condition.broadcast()
            return nil
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
