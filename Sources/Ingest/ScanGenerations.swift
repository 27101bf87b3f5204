import ByteInput

/// The inputs claimed for scanning, in generations: a generation closes when the merge finds its
/// batch full, or when the input claimed starts a new batch (``BatchBoundaries``), and inputs
/// claimed after that belong to the next (``TallyCarry``). The closes wait here, in order, until
/// the merge has taken their last input (``nextClose`` and ``closeFlushed()``).
final class ScanGenerations: Sendable {
    /// A closed generation and the highest input index it holds.
    struct Close: Equatable {
        var lastInput: Int
        var generation: Int
    }

    private struct State {
        var generation = 0
        /// The highest input index claimed, -1 before any.
        var lastClaimed = -1
        /// Whether an input was claimed in the current generation.
        var holdsInputs = false
        /// Closed generations whose batch is not flushed yet, by increasing last input.
        var closes: [Close] = []

        mutating func close() -> Close {
            let c = Close(lastInput: lastClaimed, generation: generation)
            closes.append(c)
            generation += 1
            holdsInputs = false
            return c
        }
    }
    private let state = LockedValue(State())
    private let batchStarts: Set<Int>

    /// - Parameter batchStarts: inputs that start a new batch (``BatchBoundaries/plan(_:minimumBytes:)``).
    init(batchStarts: Set<Int> = []) {
        self.batchStarts = batchStarts
    }

    /// Input `index` is claimed (indexes are claimed in increasing order): its generation. An
    /// input that starts a batch closes the generation before it, unless that holds no input.
    func claim(_ index: Int) -> Int {
        state.withLock {
            if $0.holdsInputs && batchStarts.contains(index) { _ = $0.close() }
            $0.lastClaimed = index
            $0.holdsInputs = true
            return $0.generation
        }
    }

    /// Closes the current generation (its batch is full): the highest input index it holds (-1
    /// if none), and the generation closed. Inputs claimed from now on belong to the next one.
    @discardableResult
    func close() -> Close {
        state.withLock { $0.close() }
    }

    /// The oldest close whose batch is not flushed yet.
    var nextClose: Close? {
        state.withLock { $0.closes.first }
    }

    /// The batch of ``nextClose`` is flushed.
    func closeFlushed() {
        state.withLock { _ = $0.closes.removeFirst() }
    }
}
