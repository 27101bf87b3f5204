/// Which Exchange server an input belongs to.
///
/// Session ids are per-server counters, so the label keeps two servers' sessions apart. Rule:
/// `--server NAME` when given; otherwise the nearest directory *above* the Exchange log layout in
/// the path. The layout directories are `TransportRoles`, `Logs`, `FrontEnd`, `Hub`, `Edge`,
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
        let parts = path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init)
        guard let first = parts.firstIndex(where: { layout.contains($0.lowercased()) }) else { return "" }
        var i = first - 1
        while i >= 0 {
            let p = parts[i].lowercased()
            if !(install.contains(p) || layout.contains(p) || (p.count == 2 && p.hasSuffix("$"))) { return parts[i] }
            i -= 1
        }
        return ""
    }
}
