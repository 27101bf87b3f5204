import ArgumentParser
import Reports

/// `--format table|csv|json`.
struct OutputFormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}
