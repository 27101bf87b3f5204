import ArgumentParser
import Reports

/// The window and scope options every report takes.
struct ReportOptions: ParsableArguments {
    @Option(help: "First day (YYYY-MM-DD, UTC) to include.")
    var since: String?
    @Option(help: "Last day (YYYY-MM-DD, UTC) to include.")
    var until: String?
    @Option(help: "Only this connector (exactly as logged).")
    var connector: String?
    @Option(help: "Only receive (parties connecting to us) or send (servers we connect to).")
    var direction: String?
    @Option(help: "Only this server label.")
    var server: String?

    func validate() throws {
        if let direction, !["receive", "send"].contains(direction) {
            throw ValidationError("--direction must be receive or send")
        }
        try validateDays(since, until)
    }

    var filter: ReportFilter {
        ReportFilter(since: since, until: until, connector: connector, direction: direction, server: server)
    }
}
