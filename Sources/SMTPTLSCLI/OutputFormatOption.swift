import ArgumentParser
import Reports

/// `--format table|csv|json`.
struct OutputFormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}

/// `--wide`: every column in the terminal table (reports whose full tables are 200+ characters wide).
struct WideOption: ParsableArguments {
    @Flag(help: "Show every column in the table (CSV and JSON always have all of them).")
    var wide = false

    /// The table to print: the narrow columns unless --wide or a machine format.
    func shaped(_ table: ResultTable, format: OutputFormat, narrow: [String]) -> ResultTable {
        guard format == .table, !wide else { return table }
        let hidden = table.columns.count - narrow.filter(table.columns.contains).count
        if hidden > 0 {
            FileHandleOutput.standardError("(\(hidden) more columns: --wide shows them, --format csv or json always has them)")
        }
        return table.selecting(narrow)
    }
}
