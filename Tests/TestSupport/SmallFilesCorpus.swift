import Foundation
import LogGenerator

/// Generated logs in many small rotated files (24 KiB each: a lightly loaded server's shape),
/// written to `directory/logs`; its path. What the crash and PostgreSQL tests ingest.
public func smallFilesCorpus(in directory: TemporaryDirectory, seed: UInt64, hours: Int, sessionsPerHour: Int) throws -> String {
    var config = GeneratorConfig()
    config.seed = seed
    config.hours = hours
    config.sessionsPerHour = sessionsPerHour
    config.fileSizeLimit = 24 << 10
    let logs = directory.url.appendingPathComponent("logs").path
    _ = try CorpusGenerator.generate(config, into: URL(fileURLWithPath: logs))
    return logs
}
