import Store

/// Columns and rows to print, in any ``OutputFormat``.
public struct ResultTable: Sendable {
    public var columns: [String]
    public var rows: [[SQLValue]]

    public init(columns: [String], rows: [[SQLValue]]) {
        self.columns = columns
        self.rows = rows
    }

    public init(_ result: ReadOnlyQuery.Result) {
        self.init(columns: result.columns, rows: result.rows)
    }

    /// Only the named columns, in that order (columns it does not have are skipped).
    public func selecting(_ names: [String]) -> ResultTable {
        let indexes = names.compactMap { columns.firstIndex(of: $0) }
        return ResultTable(columns: indexes.map { columns[$0] }, rows: rows.map { row in indexes.map { row[$0] } })
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return TableRenderer.render(self)
        case .csv: return CSVRenderer.render(self)
        case .json: return JSONRenderer.render(self)
        }
    }
}
