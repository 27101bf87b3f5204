import ArgumentParser
import LogScanner
import Reports

/// The window and scope options every report takes.
struct ReportOptions: ParsableArguments {
    @Option(help: "First day (YYYY-MM-DD, UTC) to include.")
    var since: UTCDay?
    @Option(help: "Last day (YYYY-MM-DD, UTC) to include.")
    var until: UTCDay?
    @Option(help: "Only this connector (exactly as logged).")
    var connector: String?
    @Option(help: "Only receive (parties connecting to us) or send (servers we connect to).")
    var direction: LogType?
    @Option(help: "Only this server label.")
    var server: String?

    func validate() throws {
        try validateWindow(since, until)
    }

    var filter: ReportFilter {
        ReportFilter(
            since: since?.description, until: until?.description, connector: connector, direction: direction?.name,
            server: server)
    }
}
