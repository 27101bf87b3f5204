import Foundation
import LogGenerator

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `smtptls arguments…` again and again, killing each run with SIGKILL after a random
/// delay (unless it finished first): what the crash-consistency tests do to a store.
public enum KillLoop {
    /// Kill delays (microseconds) inside a run that takes `seconds` when left alone: from a
    /// twentieth of it to four fifths, so that the first rounds are killed mid-way however fast
    /// the build is (fixed delays let a faster ingest finish before the first kill).
    public static func delays(within seconds: Double) -> ClosedRange<Int> {
        let micros = max(1_000, Int(seconds * 1_000_000))
        return max(1_000, micros / 20)...max(2_000, micros * 4 / 5)
    }

    /// Runs `arguments` to the end, returning how long it took (seconds): the measure for
    /// ``delays(within:)``.
    public static func timed(_ arguments: [String]) throws -> Double {
        let started = Date()
        let result = try Binary.run(arguments)
        guard result.status == 0 else { throw KillLoopError(message: "the timed run failed: \(result.stderr)") }
        return Date().timeIntervalSince(started)
    }

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

struct KillLoopError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
