import Foundation
import LogScanner
import Store

/// `smtptls summary`: the nightly report for people who never open a terminal.
public struct SummaryReport: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case markdown, json, html

        /// The format a file name asks for: `.html`/`.htm`, `.json`, else Markdown.
        public init(fileName: String?) {
            let lower = (fileName ?? "").lowercased()
            if lower.hasSuffix(".html") || lower.hasSuffix(".htm") {
                self = .html
            } else if lower.hasSuffix(".json") {
                self = .json
            } else {
                self = .markdown
            }
        }
    }

    public var since: UTCDay
    public var until: UTCDay

    public init(since: UTCDay, until: UTCDay) {
        self.since = since
        self.until = until
    }

    public func load(database: String) throws -> SummaryData {
        try SummaryData.load(database: database, since: since, until: until)
    }

    public func load(_ reader: StoreReader) throws -> SummaryData {
        try SummaryData.load(reader, since: since, until: until)
    }

    public static func render(_ data: SummaryData, as format: Format) throws -> String {
        switch format {
        case .markdown: return SummaryMarkdown.render(data)
        case .html: return SummaryHTML.render(data)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            // snake_case like every other report's JSON.
            encoder.keyEncodingStrategy = .convertToSnakeCase
            return String(decoding: try encoder.encode(data), as: UTF8.self) + "\n"
        }
    }
}
