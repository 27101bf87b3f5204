import Store
import TLSSessions

/// A comma-separated list of distinct values as a store groups them (`group_concat(DISTINCT …)`,
/// `string_agg(DISTINCT …, ',')`), put in one order: neither store promises an order, and a
/// report must read the same from SQLite and from PostgreSQL.
enum DistinctList {
    /// Values in byte order (`b.example,a.example` → `a.example,b.example`).
    static func sorted(_ list: String) -> String {
        list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: ",")
    }

    /// Protocol names oldest first (`TLS1.1,SSL3` → `SSL3,TLS1.1`).
    static func protocols(_ list: String) -> String {
        TLSProtocol.oldestFirst(list.split(separator: ",").map(String.init)).joined(separator: ",")
    }
}

extension ResultTable {
    /// Sorts the lists in the named text columns (NULL stays NULL).
    mutating func sortLists(_ names: [String], protocols: String? = nil) {
        let lists = names.compactMap { columns.firstIndex(of: $0) }
        let protocolColumn = protocols.flatMap { columns.firstIndex(of: $0) }
        for r in rows.indices {
            for c in lists { if case .text(let list) = rows[r][c] { rows[r][c] = .text(DistinctList.sorted(list)) } }
            if let c = protocolColumn, case .text(let list) = rows[r][c] { rows[r][c] = .text(DistinctList.protocols(list)) }
        }
    }
}
