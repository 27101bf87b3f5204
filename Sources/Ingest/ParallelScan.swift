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
    /// An input handed to a scanning job: its index and its generation (``ScanGenerations``).
    struct Claim: Sendable {
        var index: Int
        var generation: Int
    }

    /// Whether ``run(_:jobs:generations:scan:consume:)`` scans on the calling thread, each result
    /// consumed before the next input is read (the merge can then take an input back out of the
    /// carried tallies: ``TallyCarry``).
    static func runsInOrder(jobs: Int, count: Int) -> Bool { jobs <= 1 || count <= 1 }

    /// - Parameter consume: each result with its input's index.
    static func run<R: Sendable>(
        _ inputs: [InputFile], jobs: Int, generations: ScanGenerations,
        scan: @escaping @Sendable (InputFile, Claim, (R) -> Void) -> Void,
        consume: (Int, R) throws -> Void
    ) throws {
        if runsInOrder(jobs: jobs, count: inputs.count) {
            var failure: (any Error)?
            for (index, input) in inputs.enumerated() {
                scan(input, Claim(index: index, generation: generations.claim(index))) { result in
                    guard failure == nil else { return }
                    do { try consume(index, result) } catch { failure = error }
                }
                if let failure { throw failure }
            }
            return
        }
        let state = SharedState<R>(count: inputs.count, window: jobs + 2, generations: generations)
        for _ in 0..<min(jobs, inputs.count) {
            let thread = Thread {
                while let claim = state.claim() {
                    scan(inputs[claim.index], claim) { state.deliver(claim.index, $0) }
                    state.finish(claim.index)
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        defer { state.stop() }
        for index in 0..<inputs.count {
            while let result = state.next(index) { try consume(index, result) }
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
        private let generations: ScanGenerations

        init(count: Int, window: Int, generations: ScanGenerations) {
            self.count = count
            self.window = window
            self.generations = generations
        }

        /// The next input to scan, waiting while the window is full; nil when done. Its
        /// generation is taken under the same lock as its index, so that generations follow
        /// input order.
        func claim() -> Claim? {
            condition.lock()
            defer { condition.unlock() }
            while !stopped && nextClaim < count && nextClaim >= consuming + window { condition.wait() }
            guard !stopped, nextClaim < count else { return nil }
            nextClaim += 1
            return Claim(index: nextClaim - 1, generation: generations.claim(nextClaim - 1))
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
