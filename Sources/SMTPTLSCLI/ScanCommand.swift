import ArgumentParser
import Foundation
import Ingest
import Rollups
import TLSSessions

extension SMTPTLSCommand {
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read logs and print counts, without a database.",
            discussion: "Every session still open at the end is closed as it is, so all rows count.")

        @Option(help: "Server label for all inputs (default: derived from each path).")
        var server: String?

        @Option(help: "Inputs scanned in parallel (default: all cores).")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        @Flag(help: "Read plain files with read(2) instead of memory-mapping them.")
        var noMmap = false

        @Argument(help: "Log files or directories.")
        var paths: [String]

        func run() throws {
            var options = IngestOptions()
            options.server = server
            options.jobs = max(1, jobs)
            options.useMemoryMap = !noMmap
            options.finalizeOpenSessions = true
            let discovery = InputDiscovery.discover(paths, server: server)
            let summary = try IngestPipeline(store: InMemoryStore(), options: options).run(discovery)
            FileHandleOutput.standardOutput(summary.render())
            if !summary.errors.isEmpty { throw ExitCode(1) }
        }
    }
}
