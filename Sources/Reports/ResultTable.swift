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

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table: return TableRenderer.render(self)
        case .csv: return CSVRenderer.render(self)
        case .json: return JSONRenderer.render(self)
        }
    }
}
