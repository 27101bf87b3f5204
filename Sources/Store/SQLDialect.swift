/// Where the public views' SQL differs between the two stores: the views are written once
/// (`Schema.views(_:)`) and each difference is one case here.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// ISO-8601 text (`2024-03-01T10:00:00.000Z`) from log time in milliseconds.
    public func iso(_ column: String) -> String {
        switch self {
        case .sqlite: "strftime('%Y-%m-%dT%H:%M:%fZ', \(column) / 1000.0, 'unixepoch')"
        case .postgres: "to_char(to_timestamp((\(column)) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        }
    }

    /// A condition as the views show it: 1 or 0 (SQLite's own value; PostgreSQL's boolean cast).
    public func flag(_ condition: String) -> String {
        switch self {
        case .sqlite: condition
        case .postgres: "(\(condition))::integer"
        }
    }

    /// A condition that always holds.
    public var `true`: String {
        switch self {
        case .sqlite: "1"
        case .postgres: "TRUE"
        }
    }

    /// The sum of an integer column as an integer (PostgreSQL's SUM of bigint is numeric).
    public func sum(_ expression: String) -> String {
        switch self {
        case .sqlite: "SUM(\(expression))"
        case .postgres: "SUM(\(expression))::bigint"
        }
    }

    /// `column = ?` compared without regard to ASCII case (server labels come from folder names,
    /// whose case varies: EX01, ex01).
    public func equalsIgnoringCase(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column) = ? COLLATE NOCASE"
        case .postgres: "lower(\(column)) = lower(?)"
        }
    }

    /// The distinct values of `expression` in a group, comma-separated (NULL when none).
    public func concatDistinct(_ expression: String) -> String {
        switch self {
        case .sqlite: "group_concat(DISTINCT \(expression))"
        case .postgres: "string_agg(DISTINCT \(expression), ',')"
        }
    }
}
