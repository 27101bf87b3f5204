import Foundation
import LogScanner

/// Writes a synthetic corpus of Exchange SMTP protocol logs and returns its ground truth.
///
/// Deterministic: the same configuration writes the same bytes. Servers listed as modern write
/// 2013+ logs (hourly files under `FrontEnd`/`Hub`), legacy ones 2010 logs (daily files under
/// `V14/TransportRoles/Logs`). Sessions of each stream are interleaved by time and may continue
/// into the next file. With `quirks`, files also carry a header block mid-file, malformed rows
/// (counted in the truth), 8-bit and quoted EHLO names, quoted and localised connector names,
/// decimal protocol and algorithm values, and the last file of the first stream ends in a
/// half-written line.
public enum CorpusGenerator {
    public static func generate(_ config: GeneratorConfig, into directory: URL) throws -> GroundTruth {
        var random = SeededRandom(seed: config.seed)
        var truth = GroundTruth()
        let clients = ClientPopulation.make(count: max(20, config.sessionsPerHour / 2), random: &random, quirks: config.quirks)
        var streams: [(SessionBuilder.Stream, LogFileWriter)] = []
        for (server, modern) in config.modernServers.map({ ($0, true) }) + config.legacyServers.map({ ($0, false) }) {
            for logType in [LogType.receive, .send] {
                let relative: String
                if modern {
                    relative = "\(server)/" + (logType == .receive ? "FrontEnd/ProtocolLog/SmtpReceive" : "Hub/ProtocolLog/SmtpSend")
                } else {
                    relative = "\(server)/V14/TransportRoles/Logs/ProtocolLog/" + (logType == .receive ? "SmtpReceive" : "SmtpSend")
                }
                var connectors: [[UInt8]]
                if logType == .receive {
                    connectors = ["\(server)\\Default Frontend \(server)", "\(server)\\Client Frontend \(server)"].map { Array($0.utf8) }
                    if config.quirks {
                        connectors.append(Array("\(server)\\Inbound, partners".utf8))
                        connectors.append(Array("\(server)\\Внутренний соединитель ".utf8))
                    }
                } else {
                    connectors = [Array("Outbound to Internet".utf8)]
                    if config.quirks { connectors.append(Array("组织内 SMTP 发送连接器".utf8)) }
                }
                let stream = SessionBuilder.Stream(
                    server: server, modern: modern, logType: logType, connectors: connectors,
                    localAddress: modern ? "10.0.0.\(streams.count + 5)" : "fd00::\(streams.count + 5)")
                let writer = try LogFileWriter(
                    root: directory, relativeDirectory: relative, logType: logType, modern: modern,
                    sizeLimit: config.fileSizeLimit)
                streams.append((stream, writer))
            }
        }
        for (streamIndex, (stream, writer)) in streams.enumerated() {
            var sessionID: UInt64 = 0x08DC_3A00_0000_0000 + UInt64(random.int(0...0xFFFF)) << 16
            var carried: [SessionScript.Line] = []
            var malformedInjected = 0
            for hour in 0..<config.hours {
                let hourStart = config.start + Int64(hour) * 3_600_000
                var lines = carried
                for _ in 0..<config.sessionsPerHour {
                    let start = hourStart + Int64(random.int(0...3_599_000))
                    sessionID += 1
                    let client = random.pick(clients)
                    let (rows, session) = SessionBuilder.build(
                        stream: stream, client: client, sessionID: sessionID, start: start, random: &random,
                        quirks: config.quirks)
                    lines += rows
                    truth.sessions.append(session)
                }
                lines.sort { $0.time < $1.time }
                let hourEnd = hourStart + 3_600_000
                let last = hour == config.hours - 1
                let cut = last ? lines.count : (lines.firstIndex { $0.time >= hourEnd } ?? lines.count)
                for (i, line) in lines[0..<cut].enumerated() {
                    // Lines after the last hour stay in the last hour's file.
                    try writer.write(line, forcePeriod: last && line.time >= hourEnd ? writer.period(hourEnd - 1) : nil)
                    if config.quirks && i == cut / 2 {
                        if hour == 1 || config.hours == 1 {
                            // A service restart: a header block mid-file (with a BOM, as a new writer adds one).
                            writer.writeRaw(writer.header(line.time, bom: true))
                        }
                        malformedInjected += injectMalformed(writer, kind: hour + streamIndex, time: line.time, random: &random)
                    }
                }
                carried = Array(lines[cut...])
            }
            if config.quirks && streamIndex == 0 {
                // The active log, caught mid-write: a last line without its line feed.
                writer.writeRaw(Array("\(Timestamp.iso(config.start + Int64(config.hours) * 3_600_000)),\(stream.server)\\Default Fron".utf8))
            }
            truth.malformedRows += malformedInjected
            writer.close()
            truth.files += writer.files
            truth.bytes += writer.totalBytes
        }
        if config.writeTruth {
            try truth.summaryJSON().write(to: directory.appendingPathComponent("truth.json"), atomically: true, encoding: .utf8)
        }
        return truth
    }

    /// Writes one malformed row of a kind chosen by `kind`; returns 1.
    static func injectMalformed(_ writer: LogFileWriter, kind: Int, time: Int64, random: inout SeededRandom) -> Int {
        let stamp = Timestamp.iso(time)
        switch kind % 4 {
        case 0:
            // Binary noise (no LF inside, never starting with '#').
            var noise: [UInt8] = [0x01]
            for _ in 0..<random.int(20...120) {
                var b = UInt8(truncatingIfNeeded: random.next())
                if b == 0x0A || b == 0x0D { b = 0x00 }
                noise.append(b)
            }
            writer.writeRaw(noise + [0x0D, 0x0A])
        case 1:
            writer.writeRaw(Array("\(stamp),EX\\Default,08DC3A0000000001,3\r\n".utf8))  // too few fields
        case 2:
            writer.writeRaw(Array("\(stamp),EX\\Default,08DC3A0000000001,4,10.0.0.1:25,10.0.0.2:1234,*,,\"TLS protocol never closed\r\n".utf8))
        default:
            writer.writeRaw(Array("2024-13-45T99:00:00.000Z,EX\\Default,08DC3A0000000001,5,10.0.0.1:25,10.0.0.2:1234,<,NOOP,\r\n".utf8))
        }
        return 1
    }
}
