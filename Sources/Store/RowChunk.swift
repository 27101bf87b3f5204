/// A rollup row's head: its day and server, the first two words of every rollup key. Whether a
/// head is new to a table decides how its rows are written (``RollupUpsert``).
struct RollupHead: Hashable, Sendable {
    var day: Int64
    var server: Int64
}

/// Rows of one rollup table, in key order, with their parameters ready to bind, grouped into
/// the statements they are written by: at most ``RollupUpsert/rowsPerStatement`` rows of one
/// head each.
struct RowChunk: Sendable {
    var values = ParameterRow()
    var statements: [(rows: Int, head: RollupHead)] = []
    var rows = 0
}

/// Appends rows to chunks of about `rowsPerChunk` rows and hands each full chunk to `emit`.
struct RowChunkBuilder {
    let rowsPerStatement: Int
    let rowsPerChunk: Int
    private var chunk = RowChunk()

    init(rowsPerStatement: Int = RollupUpsert.rowsPerStatement, rowsPerChunk: Int = 1024) {
        self.rowsPerStatement = rowsPerStatement
        self.rowsPerChunk = rowsPerChunk
    }

    /// Appends one row of `head` (rows come in key order, so a head's rows are contiguous);
    /// `fill` appends its values. A chunk is handed on only between statements.
    mutating func add(_ head: RollupHead, emit: (RowChunk) throws -> Void, _ fill: (inout ParameterRow) -> Void) rethrows {
        if let last = chunk.statements.last, last.head == head, last.rows < rowsPerStatement {
            chunk.statements[chunk.statements.count - 1].rows += 1
        } else {
            if chunk.rows >= rowsPerChunk {
                try emit(chunk)
                // Emptied keeping its capacity, so the next chunk does not grow from nothing.
                // (On the threaded path the queue still holds the chunk's storage: emptying
                // then allocates new storage of that capacity and leaves the queued one alone.)
                chunk.values.removeAll()
                chunk.statements.removeAll(keepingCapacity: true)
                chunk.rows = 0
            }
            chunk.statements.append((1, head))
        }
        fill(&chunk.values)
        chunk.rows += 1
    }

    /// Hands on the last, partly filled chunk.
    mutating func finish(emit: (RowChunk) throws -> Void) rethrows {
        if chunk.rows > 0 { try emit(chunk) }
        chunk = RowChunk()
    }
}
