import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `smtptls` as a user that file permissions apply to.
///
/// Tests often run as root, for whom a read-only file or directory is writable all the same.
/// As root, the runner hands the whole temporary directory to `nobody` (uid/gid 65534), copies the
/// binary into it (the checkout may sit where `nobody` cannot reach), and starts it through
/// util-linux's `setpriv`. As any other user it runs the binary directly.
public struct UnprivilegedRunner {
    public static let nobody: UInt32 = 65534
    let executable: String
    let prefix: [String]

    public init(in directory: TemporaryDirectory) throws {
        guard geteuid() == 0 else {
            executable = Binary.path
            prefix = []
            return
        }
        let copy = directory.file("smtptls")
        try FileManager.default.copyItem(atPath: Binary.path, toPath: copy)
        chmod(copy, 0o755)
        let owner = Self.nobody
        chown(directory.path, owner, owner)
        if let walk = FileManager.default.enumerator(atPath: directory.path) {
            for case let relative as String in walk { chown(directory.file(relative), owner, owner) }
        }
        executable = "/usr/bin/setpriv"
        prefix = ["--reuid=\(owner)", "--regid=\(owner)", "--clear-groups", copy]
    }

    public func run(_ arguments: [String]) throws -> Binary.Result {
        try Binary.launch(executable, prefix + arguments)
    }
}
