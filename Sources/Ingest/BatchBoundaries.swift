/// Where a run's batches end before they are full, for a store whose commits are mostly another
/// machine's work (``RollupStore/commitsElsewhere``): where the inputs before and after share
/// no rollup keys, or few — once the batch holds enough of the run.
///
/// Two kinds of place:
/// - A clean cut: no input before it is of a group (one server's logs in one directory, named
///   with their date as Exchange names them; Exchange keeps each service's receive and send
///   logs in a directory of their own) that an input after it is of. Sessions cross inputs of
///   one server and log type only, so the rollup rows before the cut are final there.
/// - A new day: inputs come in file-name order, and Exchange names its logs by date
///   (`RECV2024030100-1.LOG`), so the first input named for a later day than the one before it
///   starts that day for every server; rollup keys begin with their day.
///
/// Committing there upserts few keys twice, and the database server works on a batch while the
/// collector scans the next, instead of all of the commit waiting for the last scan. Ending a
/// batch at any input is always correct; this only chooses where. (For SQLite, whose commit
/// takes the collector's own cores, the extra commits cost more than the overlap gains on two
/// cores: docs/performance.md.)
enum BatchBoundaries {
    /// Bytes of input a batch takes at least before such a place closes it: smaller batches are
    /// committed together (each commit has its own cost: a transaction, the values' ids).
    static let minimumBytes: UInt64 = 64 << 20

    /// The indexes of the inputs that start a new batch (never 0).
    static func plan(_ inputs: [InputFile], minimumBytes: UInt64 = minimumBytes) -> Set<Int> {
        let groups = inputs.map(Group.init)
        let days = inputs.map { namedDay($0.path) }
        // Only logs named as Exchange names them make groups: a README or a copy's odd name
        // beside them would otherwise span the run and leave no cut clean.
        var last: [Group: Int] = [:]
        for (index, group) in groups.enumerated() where days[index] != nil { last[group] = index }
        var starts = Set<Int>()
        var bytes: UInt64 = 0
        // The last index of any group met so far: a cut before `next` is clean when it is below.
        var reach = -1
        for index in inputs.indices.dropLast() {
            bytes += inputs[index].size
            if let groupEnd = last[groups[index]] { reach = max(reach, groupEnd) }
            let next = index + 1
            let cleanCut = reach < next
            var newDay = false
            if let day = days[index], let nextDay = days[next] { newDay = nextDay > day }
            if (cleanCut || newDay) && bytes >= minimumBytes {
                starts.insert(next)
                bytes = 0
            }
        }
        return starts
    }

    /// The date a log's file name carries (`yyyyMMdd` as a number: the first eight of its first
    /// run of at least eight digits), nil when it has none.
    static func namedDay(_ path: String) -> Int? {
        let name = path.utf8.split(separator: UInt8(ascii: "/")).last ?? path.utf8[...]
        var run = 0
        var value = 0
        for c in name {
            if c &- 0x30 < 10 {
                if run < 8 { value = value * 10 + Int(c &- 0x30) }
                run += 1
            } else {
                if run >= 8 { return value }
                run = 0
                value = 0
            }
        }
        return run >= 8 ? value : nil
    }

    /// An input's server and directory.
    struct Group: Hashable {
        var server: String
        var directory: Substring

        init(_ input: InputFile) {
            server = input.server
            let path = input.path
            directory = path.lastIndex(of: "/").map { path[..<$0] } ?? ""
        }
    }
}
