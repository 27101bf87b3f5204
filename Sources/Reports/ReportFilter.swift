import Foundation
import LogScanner
import Store

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
    func conditions(_ alias: String, _ dialect: SQLDialect) -> (clauses: [String], parameters: [String]) {
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
        // Server labels come from folder names, whose case varies (EX01, ex01).
        add(dialect.equalsIgnoringCase("\(alias).server"), server)
        return (clauses, parameters)
    }

    /// The first and last day the window covers: `since`/`until` where given, else the first or
    /// last day with logs (nil when there is none).
    func days(_ db: Snapshot) throws -> (first: UTCDay?, last: UTCDay?) {
        var first = since.flatMap(UTCDay.init)
        var last = until.flatMap(UTCDay.init)
        if first == nil || last == nil, let row = try db.row("SELECT MIN(day), MAX(day) FROM hourly_coverage") {
            if first == nil { first = UTCDay(row.text(0)) }
            if last == nil { last = UTCDay(row.text(1)) }
        }
        return (first, last)
    }

    /// When a report came back empty: the stored connector or server names close to what the
    /// filter asked for (another case, spaces around it, a part of it), as hints for stderr.
    public func nearNames(_ db: Snapshot) throws -> [String] {
        var hints: [String] = []
        func squeeze(_ s: String) -> String { s.lowercased().trimmingCharacters(in: .whitespaces) }
        if let connector {
            let wanted = squeeze(connector)
            let near = try db.rows("SELECT DISTINCT connector FROM identities") { $0.text(0) }
                .filter { $0 != connector && (squeeze($0) == wanted || squeeze($0).contains(wanted)) }
            if !near.isEmpty {
                hints.append("no data for --connector '\(connector)'; stored names close to it: "
                    + near.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + " (connector names are matched exactly, spaces included)")
            }
        }
        if let server {
            let wanted = squeeze(server)
            let near = try db.rows("SELECT DISTINCT server FROM hourly_coverage") { $0.text(0) }
                .filter { squeeze($0) != wanted && (squeeze($0).contains(wanted) || wanted.contains(squeeze($0))) && !$0.isEmpty }
            if !near.isEmpty {
                hints.append("no data for --server '\(server)'; servers close to it: " + near.prefix(5).map { "'\($0)'" }.joined(separator: ", "))
            }
        }
        return hints
    }
}

