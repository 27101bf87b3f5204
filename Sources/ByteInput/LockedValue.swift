import Foundation

/// A value behind a lock, for the few values several scanning threads share (the carried tallies,
/// their generations, the carry plan's reads, the pool of read buffers). Package-wide: ByteInput
/// is the lowest module that needs it.
///
/// An `NSLock` (a pthread mutex) rather than `Synchronization.Mutex`: on Linux the latter locks
/// with futexes that ThreadSanitizer does not see, and the test suite under it reported every
/// access made under the lock from two threads as a race.
package final class LockedValue<Value>: @unchecked Sendable {
    // Invariant: `value` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    package func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
