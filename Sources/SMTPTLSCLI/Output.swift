import Foundation

/// stdout carries results (tables, CSV, JSON); stderr carries summaries, notes and errors.
enum FileHandleOutput {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

/// A failure already reported on stderr; the process exits with `code`.
struct ReportedFailure: Error {
    var code: Int32
}
