/// Which Exchange server an input belongs to.
///
/// Session ids are per-server counters, so the label keeps two servers' sessions apart. Rule:
/// `--server NAME` when given; otherwise, when the file sits in an Exchange log layout folder, the
/// first directory above the chain of layout folders that contains it. The layout directories are `TransportRoles`, `Logs`, `FrontEnd`, `Hub`, `Edge`,
/// `Mailbox`, `ProtocolLog`, `SmtpReceive`, `SmtpSend`, `Delivery`, `Submission`, `V14`, `V15`,
/// and install folders (`Exchange Server`, `Microsoft`, `Program Files`, drive shares like `c$`)
/// are skipped too. So `/srv/logs/EX01/FrontEnd/ProtocolLog/SmtpReceive/RECV2023011116-1.LOG`
/// is server `EX01`, and `\\EX02\c$\Program Files\Microsoft\Exchange Server\V15\TransportRoles\...`
/// is `EX02`. Without such a directory the label is empty.
public enum ServerLabel {
    static let layout: Set<String> = [
        "transportroles", "logs", "frontend", "hub", "edge", "mailbox", "protocollog", "smtpreceive",
        "smtpsend", "delivery", "submission", "v14", "v15",
    ]
    static let install: Set<String> = ["exchange server", "microsoft", "program files", "exchsrvr"]

    public static func derive(fromPath path: String) -> String {
        var parts = components(path)
        guard !parts.isEmpty else { return "" }
        parts.removeLast()  // the file itself
        return derive(folders: parts)
    }

    /// The label of every file directly in `directory` (``derive(fromPath:)`` of any of them
    /// whose name holds no separator): the walk derives it once per directory.
    public static func derive(fromDirectory directory: String) -> String {
        derive(folders: components(directory))
    }

    private static func components(_ path: String) -> [String] {
        path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init)
    }

    /// The label of a file in the folders `parts` (outermost first).
    private static func derive(folders parts: [String]) -> String {
        guard let parent = parts.last, layout.contains(parent.lowercased()) else { return "" }
        // Walk up from the file through the layout (and install) folders; the first other name is the server.
        for name in parts.reversed() {
            let p = name.lowercased()
            if layout.contains(p) || install.contains(p) || (p.count == 2 && p.hasSuffix("$")) { continue }
            return name
        }
        return ""
    }
}
