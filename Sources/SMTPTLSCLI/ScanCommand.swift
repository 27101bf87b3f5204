import ArgumentParser
import Foundation
import Ingest
import Rollups
import TLSSessions

extension SMTPTLSCommand {
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Read logs and print counts, without a database.",
            discussion: "Every session still open at the end is closed as it is, so all rows count.")

        @OptionGroup var input: InputOptions

        func run() throws {
            var options = input.ingestOptions
            options.finalizeOpenSessions = true
            let summary = try IngestPipeline(store: InMemoryStore(), options: options).run(input.discover())
            FileHandleOutput.standardOutput(summary.render(.scan))
            if !summary.errors.isEmpty { throw ExitCode(1) }
        }
    }
}
