import Foundation

/// The cores this process may run on: its affinity mask (`taskset`, a container's cpuset), which
/// `ProcessInfo.activeProcessorCount` does not look at. Read once from `/proc/self/status`; the
/// online cores where that is missing (not Linux).
public enum CPUAffinity {
    public static let count: Int = {
        (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)).flatMap(allowed(inStatus:))
            ?? ProcessInfo.processInfo.activeProcessorCount
    }()

    /// The cores in a `/proc/<pid>/status` text's `Cpus_allowed:` mask (hex words separated by
    /// commas); nil without that line or with no core in it.
    static func allowed(inStatus status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        let bits = line.dropFirst("Cpus_allowed:".count).reduce(0) { n, c in n + (c.hexDigitValue?.nonzeroBitCount ?? 0) }
        return bits > 0 ? bits : nil
    }
}
