import LogScanner

/// Writes the rows of one session, as Exchange would, and says what the session is.
struct SessionScript {
    struct Line {
        var time: Int64
        var bytes: [UInt8]
    }

    var server: String
    var modern: Bool
    var logType: LogType
    var connector: [UInt8]
    var sessionID: UInt64
    var localEndpoint: String
    var remoteEndpoint: String
    var remoteIP: String
    var quirks: Bool

    private(set) var lines: [Line] = []
    private var seq = 0
    private var time: Int64

    init(server: String, modern: Bool, logType: LogType, connector: [UInt8], sessionID: UInt64, local: String,
         remote: String, remoteIP: String, start: Int64, quirks: Bool) {
        self.server = server
        self.modern = modern
        self.logType = logType
        self.connector = connector
        self.sessionID = sessionID
        self.localEndpoint = local
        self.remoteEndpoint = remote
        self.remoteIP = remoteIP
        self.time = start
        self.quirks = quirks
    }

    /// Appends one row `random` milliseconds after the previous one.
    mutating func row(_ event: String, _ data: [UInt8] = [], _ context: String = "", gap: Int64, hideLocal: Bool = false) {
        time += gap
        let fields: [[UInt8]] = [
            Array(Timestamp.iso(time).utf8), connector, Array(hex16(sessionID).utf8), Array(String(seq).utf8),
            hideLocal ? [] : Array(localEndpoint.utf8), Array(remoteEndpoint.utf8), Array(event.utf8), data,
            Array(context.utf8),
        ]
        seq += 1
        var out: [UInt8] = []
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(0x2C) }
            out += CSV.escape(f)
        }
        out += [0x0D, 0x0A]
        lines.append(Line(time: time, bytes: out))
    }

    mutating func row(_ event: String, _ data: String, _ context: String = "", gap: Int64, hideLocal: Bool = false) {
        row(event, Array(data.utf8), context, gap: gap, hideLocal: hideLocal)
    }

    var now: Int64 { time }
}

func hex16(_ v: UInt64) -> String {
    let h = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: 16 - h.count) + h
}

enum CSV {
    /// Quotes a field when it holds `,` or `"`, doubling inner quotes, as Exchange does.
    static func escape(_ field: [UInt8]) -> [UInt8] {
        guard field.contains(0x2C) || field.contains(0x22) else { return field }
        var out: [UInt8] = [0x22]
        for b in field {
            out.append(b)
            if b == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
        return out
    }
}
