import Foundation

/// Runs the built `smtptls` executable (it sits beside the test bundle in the build folder).
public enum Binary {
    public static var path: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("smtptls").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "smtptls"
    }

    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `smtptls arguments…` to completion.
    public static func run(_ arguments: [String], environment: [String: String] = [:], cwd: String? = nil) throws -> Result {
        try launch(path, arguments, environment: environment, cwd: cwd)
    }

    /// Runs any executable to completion, collecting its output.
    public static func launch(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], cwd: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes drained at once: a child that fills one (64 KB of stderr, as a sanitizer's
        // reports can) while the other is read to its end would wait on the pipe forever.
        let errors = ErrorOutput()
        let reader = Thread { errors.data = err.fileHandleForReading.readDataToEndOfFile(); errors.done.signal() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errors.done.wait()
        let errData = errors.data
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// The standard error a child wrote, read on a thread of its own (`done` signalled once read).
private final class ErrorOutput: @unchecked Sendable {
    // Invariant: `data` is written by the reading thread before `done` is signalled and read only
    // after waiting on it.
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}
