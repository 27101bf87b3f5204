import ArgumentParser
import ByteInput
import Foundation
import Ingest

/// The options that say how inputs are read, shared by `ingest` and `scan`.
struct InputOptions: ParsableArguments {
    @Option(help: "Server label for all inputs (default: derived from each path; see docs/operations.md).")
    var server: String?

    @Option(help: "Inputs scanned in parallel (default: all cores this process may run on). Results do not depend on it.")
    var jobs: Int?

    @Flag(
        inversion: .prefixedNo,
        help: "Memory-map plain files instead of reading them with read(2). Reading is the default: faster where measured, and a file truncated while read is a short read, not a crash.")
    var mmap = false

    @Argument(help: "Log files, directories, compressed logs or archives.")
    var paths: [String]

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    /// Ingest options with these settings applied.
    var ingestOptions: IngestOptions {
        var options = IngestOptions()
        options.server = server
        options.jobs = jobs ?? CPUAffinity.count
        options.useMemoryMap = mmap
        return options
    }

    func discover() -> InputDiscovery.Result { InputDiscovery.discover(paths, server: server) }
}
