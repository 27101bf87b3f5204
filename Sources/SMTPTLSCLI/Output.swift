import Foundation

/// stdout carries results (tables, CSV, JSON); stderr carries summaries, notes and errors.
enum FileHandleOutput {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data((text.utf8.last == 0x0A ? text : text + "\n").utf8))
    }

    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data((text.utf8.last == 0x0A ? text : text + "\n").utf8))
    }
}

/// A failure already reported on stderr; the process exits with `code`.
struct ReportedFailure: Error {
    var code: Int32
}
