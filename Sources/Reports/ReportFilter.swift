/// The window and scope a report covers: days (UTC, inclusive), connector, direction, server.
public struct ReportFilter: Sendable, Equatable {
    public var since: String?
    public var until: String?
    public var connector: String?
    /// `receive` or `send`.
    public var direction: String?
    public var server: String?

    public init(since: String? = nil, until: String? = nil, connector: String? = nil, direction: String? = nil, server: String? = nil) {
        self.since = since
        self.until = until
        self.connector = connector
        self.direction = direction
        self.server = server
    }

    /// SQL conditions on a rollup table aliased `alias`, with their parameters.
    func conditions(_ alias: String) -> (clauses: [String], parameters: [String]) {
        var clauses: [String] = []
        var parameters: [String] = []
        func add(_ clause: String, _ value: String?) {
            guard let value else { return }
            clauses.append(clause)
            parameters.append(value)
        }
        add("\(alias).day >= ?", since)
        add("\(alias).day <= ?", until)
        add("\(alias).connector = ?", connector)
        add("\(alias).log_type = ?", direction)
        add("\(alias).server = ?", server)
        return (clauses, parameters)
    }
}

