import Foundation

/// The cores this process may run on: its affinity mask (`taskset`, a cgroup's cpuset), which
/// `ProcessInfo.activeProcessorCount` does not look at. Read once from `/proc/self/status`
/// (`Cpus_allowed:`, hex words separated by commas); the online cores where that is missing.
enum CPUAffinity {
    static let count: Int = {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
        {
            let bits = line.dropFirst("Cpus_allowed:".count).reduce(0) { n, c in
                n + (c.hexDigitValue?.nonzeroBitCount ?? 0)
            }
            if bits > 0 { return bits }
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }()
}
