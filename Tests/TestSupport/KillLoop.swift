import Foundation
import LogGenerator

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `smtptls arguments…` again and again, killing each run with SIGKILL after a random
/// delay (unless it finished first): what the crash-consistency tests do to a store.
public enum KillLoop {
    /// The number of runs that were killed mid-way (the rest finished on their own).
    public static func run(_ arguments: [String], rounds: Int, delays: ClosedRange<Int>, seed: UInt64) throws -> Int {
        var random = SeededRandom(seed: seed)
        var interrupted = 0
        for _ in 0..<rounds {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Binary.path)
            process.arguments = arguments
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(random.int(delays)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                interrupted += 1
            }
            process.waitUntilExit()
        }
        return interrupted
    }
}
