import ArgumentParser
import Foundation
import LogGenerator

extension SMTPTLSCommand {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a synthetic corpus of protocol logs with its ground truth (truth.json).",
            discussion: "Deterministic: the same options write the same bytes. Used for SampleLogs/, tests and benchmarks.")

        @Option(name: .shortAndLong, help: "Output directory.")
        var output: String

        @Option(help: "Random seed.")
        var seed: UInt64 = 1

        @Option(help: "Hours of logs.")
        var hours: Int = 3

        @Option(help: "Sessions started per hour in each log stream.")
        var sessionsPerHour: Int = 40

        @Option(help: "File size limit in bytes before -N rotation.")
        var fileSizeLimit: Int = 10 << 20

        @Option(help: "Comma-separated Exchange 2013+ server names.")
        var modern: String = "EX01"

        @Option(help: "Comma-separated Exchange 2010 server names (empty for none).")
        var legacy: String = "EX10"

        @Flag(help: "Write clean logs without the quirks of real files.")
        var noQuirks = false

        @Flag(help: "Write into a directory that is not empty.")
        var force = false

        func validate() throws {
            if hours < 1 || sessionsPerHour < 1 { throw ValidationError("--hours and --sessions-per-hour must be positive") }
        }

        func run() throws {
            var config = GeneratorConfig()
            config.seed = seed
            config.hours = hours
            config.sessionsPerHour = sessionsPerHour
            config.fileSizeLimit = max(4096, fileSizeLimit)
            config.modernServers = modern.split(separator: ",").map(String.init)
            config.legacyServers = legacy.split(separator: ",").map(String.init)
            config.quirks = !noQuirks
            let url = URL(fileURLWithPath: output)
            try OutputFile.prepareDirectory(output, force: force)
            let truth = try CorpusGenerator.generate(config, into: url)
            FileHandleOutput.standardError(
                "wrote \(truth.files.count) files, \(truth.bytes) bytes, \(truth.sessions.count) sessions to \(output)")
        }
    }
}
