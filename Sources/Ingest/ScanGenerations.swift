/// The inputs claimed for scanning, in generations: the merge closes a generation when its batch
/// is full, and inputs claimed after that belong to the next (``TallyCarry``).
final class ScanGenerations: Sendable {
    private struct State {
        var generation = 0
        /// The highest input index claimed, -1 before any.
        var lastClaimed = -1
    }
    private let state = LockedValue(State())

    init() {}

    /// Input `index` is claimed (indexes are claimed in increasing order): its generation.
    func claim(_ index: Int) -> Int {
        state.withLock {
            $0.lastClaimed = index
            return $0.generation
        }
    }

    /// Closes the current generation: the highest input index it holds (-1 if none), and the
    /// generation closed. Inputs claimed from now on belong to the next one.
    func close() -> (lastInput: Int, generation: Int) {
        state.withLock { s in
            defer { s.generation += 1 }
            return (s.lastClaimed, s.generation)
        }
    }
}
