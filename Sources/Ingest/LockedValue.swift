import Foundation

/// A value behind a lock, for the few values several scanning threads share (the carried tallies,
/// their generations, the carry plan's reads).
///
/// An `NSLock` (a pthread mutex) rather than `Synchronization.Mutex`: on Linux the latter locks
/// with futexes that ThreadSanitizer does not see, and the test suite under it reported every
/// access made under the lock from two threads as a race.
final class LockedValue<Value>: @unchecked Sendable {
    // Invariant: `value` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
