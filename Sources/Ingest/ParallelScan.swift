import Foundation

/// Scans inputs on up to `jobs` threads and hands results to `consume` strictly in input order.
///
/// At most `2 × jobs` results wait for the consumer at any time, so memory stays bounded no
/// matter how many inputs there are. `consume` runs on the calling thread.
enum ParallelScan {
    static func run<R: Sendable>(
        _ inputs: [InputFile], jobs: Int, scan: @escaping @Sendable (InputFile) -> R, consume: (R) throws -> Void
    ) throws {
        if jobs <= 1 || inputs.count <= 1 {
            for input in inputs { try consume(scan(input)) }
            return
        }
        let state = SharedState<R>(count: inputs.count, window: 2 * jobs)
        let workers = min(jobs, inputs.count)
        var threads: [Thread] = []
        for _ in 0..<workers {
            let thread = Thread {
                while let index = state.claim() {
                    state.deliver(index, scan(inputs[index]))
                }
            }
            thread.stackSize = 8 << 20
            threads.append(thread)
            thread.start()
        }
        defer { state.stop() }
        for index in 0..<inputs.count {
            try consume(state.take(index))
        }
    }

    /// Claims, results and the consumer's position, under one condition lock.
    final class SharedState<R>: @unchecked Sendable {
        private let condition = NSCondition()
        private var next = 0
        private var consumed = 0
        private var stopped = false
        private var results: [Int: R] = [:]
        private let count: Int
        private let window: Int

        init(count: Int, window: Int) {
            self.count = count
            self.window = window
        }

        /// The next input index to scan, waiting while the window is full; nil when done.
        func claim() -> Int? {
            condition.lock()
            defer { condition.unlock() }
            while !stopped && next < count && next >= consumed + window { condition.wait() }
            guard !stopped, next < count else { return nil }
            next += 1
            return next - 1
        }

        func deliver(_ index: Int, _ result: R) {
            condition.lock()
            results[index] = result
            condition.broadcast()
            condition.unlock()
        }

        func take(_ index: Int) -> R {
            condition.lock()
            defer { condition.unlock() }
            while results[index] == nil { condition.wait() }
            consumed = index + 1
            condition.broadcast()
            return results.removeValue(forKey: index)!
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
