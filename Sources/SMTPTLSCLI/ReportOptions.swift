import ArgumentParser
import LogScanner
import Reports

/// Which connectors a report covers: connector, direction, server.
struct ScopeOptions: ParsableArguments {
    @Option(help: "Only this connector (exactly as logged).")
    var connector: String?
    @Option(help: "Only receive (parties connecting to us) or send (servers we connect to).")
    var direction: LogType?
    @Option(help: "Only this server label.")
    var server: String?

    var filter: ReportFilter { ReportFilter(connector: connector, direction: direction?.name, server: server) }
}

/// The window and scope options every report over days takes.
struct ReportOptions: ParsableArguments {
    @Option(help: "First day (YYYY-MM-DD, UTC) to include.")
    var since: UTCDay?
    @Option(help: "Last day (YYYY-MM-DD, UTC) to include.")
    var until: UTCDay?
    @OptionGroup var scope: ScopeOptions

    func validate() throws {
        try validateWindow(since, until)
    }

    var filter: ReportFilter {
        var filter = scope.filter
        filter.since = since?.description
        filter.until = until?.description
        return filter
    }
}
