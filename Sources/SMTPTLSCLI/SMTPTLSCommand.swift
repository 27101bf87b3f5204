import ArgumentParser
import PostgresStore
import Store

/// The `smtptls` command: subcommands over the library targets.
public struct SMTPTLSCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "smtptls",
        abstract: "Find who still talks to your Exchange servers over legacy TLS, weak ciphers or no TLS.",
        discussion: """
            Reads Exchange SMTP Receive and Send protocol logs (plain, .zst, .gz, tar and zip \
            archives), joins each session's TLS negotiation with its EHLO name, sender and \
            certificate, and keeps rollups in a SQLite database you can query.

            Typical use:
              smtptls ingest /srv/exchange-logs     # read logs into smtptls.sqlite
              smtptls legacy                        # who negotiated SSL 3 / TLS 1.0 / 1.1
              smtptls connectors import receive.json send.json   # connector settings
              smtptls impact                        # who breaks if TLS 1.0/1.1 go, and why
              smtptls readiness                     # which connector is ready to switch
              smtptls summary --format html -o s.html   # yesterday, for people
              smtptls query "SELECT * FROM plaintext_sessions"

            Exit status: 0 every input was read; 1 some input failed (corrupt, unreadable) or a \
            query failed; 2 usage error; 3 summary --fail-on-legacy saw legacy TLS; 4 summary \
            found no logs in its window.
            """,
        version: "0.1.0",
        subcommands: [
            Ingest.self, Legacy.self, Impact.self, Readiness.self, Summary.self, Connectors.self, Query.self, Copy.self,
            Scan.self, Generate.self,
        ]
    )

    public init() {}

    /// Runs the command line; exit codes as documented above.
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        let given = arguments ?? Array(CommandLine.arguments.dropFirst())
        var names: [String] = []
        for command in configuration.subcommands {
            let type: any ParsableCommand.Type = command
            names.append(type._commandName)
        }
        if given.count >= 2, given[0] == "help", !names.contains(given[1]) {
            FileHandleOutput.standardError(
                "error: there is no command '\(given[1])'; the commands are \(names.joined(separator: ", "))")
            Self.exit(withError: ExitCode(2))
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Self.exit()
        } catch let error as ExitCode {
            Self.exit(withError: error)
        } catch let error as StoreError {
            FileHandleOutput.standardError("error: \(error)")
            Self.exit(withError: ExitCode(1))
        } catch let error as PostgresError {
            FileHandleOutput.standardError("error: \(error)")
            Self.exit(withError: ExitCode(1))
        } catch let error as OutputFile.Problem {
            FileHandleOutput.standardError("error: \(error)")
            Self.exit(withError: ExitCode(1))
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandleOutput.standardError(fullMessage(for: error))
                Self.exit(withError: ExitCode(2))
            }
            Self.exit(withError: error)
        }
    }
}
