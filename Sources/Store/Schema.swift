import TLSSessions

/// The database schema: private tables, the public views, and migrations by `PRAGMA user_version`.
///
/// The views are the public contract (docs/schema.md): columns may be added at the end, never
/// renamed or removed. Tables are private and may change with a migration.
public enum Schema {
    /// The version this build writes. Each entry of ``migrations`` moves the database one version up.
    public static var currentVersion: Int { migrations.count }

    /// Migration N (1-based) takes a database from version N-1 to N. Never edit a shipped one.
    static let migrations: [String] = [version1, version2, version3, version4, version5, version6]

    /// Brings `db` to ``currentVersion`` (or to `target`, for tests of a migration; the views are
    /// only written at the current version); refuses a database from a newer build.
    public static func migrate(_ db: SQLiteDatabase, to target: Int = currentVersion) throws {
        let version = try db.userVersion
        if version > currentVersion {
            throw StoreError(
                code: 1,
                message: "\(db.path) has schema version \(version); this smtptls knows up to \(currentVersion). Upgrade smtptls.")
        }
        // Every step in one transaction: an upgrade is all or nothing, and a new database is
        // created with one commit (one journal sync) instead of one per version.
        try db.transaction {
            if version == 0 && target == currentVersion {
                // A new database: its tables as the migrations would leave them, in one script.
                try db.execute(currentTables)
                try db.execute("PRAGMA user_version = \(target)")
            } else {
                for next in (version + 1)...max(version + 1, target) where next <= target {
                    try db.execute(migrations[next - 1])
                    try db.execute("PRAGMA user_version = \(next)")
                }
            }
            guard target == currentVersion else { return }
            // Views are recreated whenever this build's definitions differ from the stored ones.
            let stored = try db.prepare("SELECT value FROM meta WHERE key = 'views_sql'")
            let current = try stored.step() ? stored.text(0) : ""
            stored.reset()
            if current != views {
                try db.execute(views)
                let save = try db.prepare("INSERT OR REPLACE INTO meta VALUES ('views_sql', ?)")
                save.bind(1, views)
                try save.run()
            }
        }
    }

    static let version1 = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('created_by', 'smtptls');

        -- One row per input (file or archive member) by content fingerprint.
        CREATE TABLE ingested_inputs (
          fingerprint     TEXT PRIMARY KEY,
          server          TEXT NOT NULL,
          path            TEXT NOT NULL,
          member          TEXT NOT NULL DEFAULT '',
          size            INTEGER NOT NULL,
          mtime           INTEGER NOT NULL,
          consumed_bytes  INTEGER NOT NULL,
          records         INTEGER NOT NULL,
          malformed_rows  INTEGER NOT NULL,
          first_ingested  TEXT NOT NULL,
          last_ingested   TEXT NOT NULL
        );

        -- Finished sessions by outcome and suite. Absent dimensions are '' or -1, never NULL,
        -- so that the primary key matches on upsert; the views turn them into NULL.
        CREATE TABLE session_rollup (
          server TEXT NOT NULL, day TEXT NOT NULL, log_type TEXT NOT NULL, connector TEXT NOT NULL,
          remote_ip TEXT NOT NULL, outcome TEXT NOT NULL,
          protocol TEXT NOT NULL, role TEXT NOT NULL,
          cipher TEXT NOT NULL, cipher_bits INTEGER NOT NULL,
          mac TEXT NOT NULL, mac_bits INTEGER NOT NULL,
          key_exchange TEXT NOT NULL, key_exchange_bits INTEGER NOT NULL,
          error TEXT NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (server, day, log_type, connector, remote_ip, outcome, protocol, role, cipher,
                       cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits, error)
        ) WITHOUT ROWID;
        CREATE INDEX session_rollup_remote ON session_rollup (remote_ip);

        -- Finished sessions by who the remote party said it was.
        CREATE TABLE identity_rollup (
          server TEXT NOT NULL, day TEXT NOT NULL, log_type TEXT NOT NULL, connector TEXT NOT NULL,
          remote_ip TEXT NOT NULL, outcome TEXT NOT NULL, protocol TEXT NOT NULL,
          ehlo TEXT NOT NULL, sender_domain TEXT NOT NULL, auth_user TEXT NOT NULL,
          cert_subject TEXT NOT NULL, cert_thumbprint TEXT NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (server, day, log_type, connector, remote_ip, outcome, protocol, ehlo,
                       sender_domain, auth_user, cert_subject, cert_thumbprint)
        ) WITHOUT ROWID;
        CREATE INDEX identity_rollup_remote ON identity_rollup (remote_ip);

        -- Sessions seen but not finished yet (they continue in a later file or run).
        CREATE TABLE open_sessions (
          server TEXT NOT NULL, log_type TEXT NOT NULL, connector TEXT NOT NULL, session_id TEXT NOT NULL,
          last_seen INTEGER NOT NULL, state TEXT NOT NULL,
          PRIMARY KEY (server, log_type, connector, session_id)
        ) WITHOUT ROWID;

        -- The first malformed rows of each input, for review.
        CREATE TABLE malformed_rows (
          fingerprint TEXT NOT NULL, path TEXT NOT NULL, member TEXT NOT NULL,
          line INTEGER NOT NULL, reason TEXT NOT NULL, excerpt TEXT NOT NULL
        );

        -- TLS sentences of a shape the classifier does not know, verbatim.
        CREATE TABLE unrecognized_tls (
          server TEXT NOT NULL, log_type TEXT NOT NULL, text TEXT NOT NULL,
          occurrences INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (server, log_type, text)
        ) WITHOUT ROWID;
        """

    /// Version 2: sessions per server, log type and hour, so reports can show which hours had logs.
    static let version2 = """
        CREATE TABLE coverage (
          server TEXT NOT NULL, log_type TEXT NOT NULL, hour TEXT NOT NULL, sessions INTEGER NOT NULL,
          PRIMARY KEY (server, log_type, hour)
        ) WITHOUT ROWID;
        """

    /// Drops the `remote_ip` indexes of the rollups: keeping them up to date was a quarter of the
    /// commit time of an ingest (docs/performance.md), while a lookup by address without them
    /// scans the rollups (about 0.1 s per 150,000 rows).
    static let version3 = """
        DROP INDEX IF EXISTS session_rollup_remote;
        DROP INDEX IF EXISTS identity_rollup_remote;
        """

    /// Version 4 (docs/schema.md): how far each session got (`activity`: probes vs mail) in the
    /// session rollup's key; refused authentications; open sessions carry their address and
    /// negotiated protocol so reports can mention them. Rows from before have activity '' (NULL
    /// in the views: unknown). The rollups' keys now start with the day: reports ask for day
    /// ranges across servers, and an ingest's batch touches one or two days, so its upserts land
    /// close together in the B-tree.
    static let version4 = """
        DROP VIEW IF EXISTS negotiations;
        DROP VIEW IF EXISTS plaintext_sessions;
        DROP VIEW IF EXISTS tls_failures;
        DROP VIEW IF EXISTS legacy_senders;
        DROP VIEW IF EXISTS senders;
        DELETE FROM meta WHERE key = 'views_sql';
        CREATE TABLE session_rollup_v4 (
          server TEXT NOT NULL, day TEXT NOT NULL, log_type TEXT NOT NULL, connector TEXT NOT NULL,
          remote_ip TEXT NOT NULL, outcome TEXT NOT NULL,
          protocol TEXT NOT NULL, role TEXT NOT NULL,
          cipher TEXT NOT NULL, cipher_bits INTEGER NOT NULL,
          mac TEXT NOT NULL, mac_bits INTEGER NOT NULL,
          key_exchange TEXT NOT NULL, key_exchange_bits INTEGER NOT NULL,
          error TEXT NOT NULL, activity TEXT NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (day, server, log_type, connector, remote_ip, outcome, protocol, role, cipher,
                       cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits, error, activity)
        ) WITHOUT ROWID;
        INSERT INTO session_rollup_v4
          SELECT server, day, log_type, connector, remote_ip, outcome, protocol, role, cipher, cipher_bits,
                 mac, mac_bits, key_exchange, key_exchange_bits, error, '', sessions, first_seen, last_seen
          FROM session_rollup;
        DROP TABLE session_rollup;
        ALTER TABLE session_rollup_v4 RENAME TO session_rollup;

        CREATE TABLE identity_rollup_v4 (
          server TEXT NOT NULL, day TEXT NOT NULL, log_type TEXT NOT NULL, connector TEXT NOT NULL,
          remote_ip TEXT NOT NULL, outcome TEXT NOT NULL, protocol TEXT NOT NULL,
          ehlo TEXT NOT NULL, sender_domain TEXT NOT NULL, auth_user TEXT NOT NULL,
          cert_subject TEXT NOT NULL, cert_thumbprint TEXT NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (day, server, log_type, connector, remote_ip, outcome, protocol, ehlo,
                       sender_domain, auth_user, cert_subject, cert_thumbprint)
        ) WITHOUT ROWID;
        INSERT INTO identity_rollup_v4 SELECT * FROM identity_rollup;
        DROP TABLE identity_rollup;
        ALTER TABLE identity_rollup_v4 RENAME TO identity_rollup;

        CREATE TABLE auth_failure_rollup (
          server TEXT NOT NULL, day TEXT NOT NULL, log_type TEXT NOT NULL, connector TEXT NOT NULL,
          remote_ip TEXT NOT NULL, user TEXT NOT NULL, mechanism TEXT NOT NULL, error TEXT NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (day, server, log_type, connector, remote_ip, user, mechanism, error)
        ) WITHOUT ROWID;

        ALTER TABLE open_sessions ADD COLUMN remote_ip TEXT NOT NULL DEFAULT '';
        ALTER TABLE open_sessions ADD COLUMN protocol TEXT NOT NULL DEFAULT '';
        """

    /// Connector configuration imported from PowerShell exports (`smtptls connectors import`).
    /// Every import is kept; `current` marks the rows of each server's (and the send
    /// connectors') latest import. Lists are stored space-separated.
    static let version5 = """
        CREATE TABLE connector_import (
          id INTEGER PRIMARY KEY, imported_at INTEGER NOT NULL, source TEXT NOT NULL
        );
        CREATE TABLE connector_config (
          import_id INTEGER NOT NULL REFERENCES connector_import (id),
          direction TEXT NOT NULL, server TEXT NOT NULL, name TEXT NOT NULL, log_name TEXT NOT NULL,
          bindings TEXT NOT NULL, remote_ip_ranges TEXT NOT NULL, auth_mechanisms TEXT NOT NULL,
          require_tls INTEGER NOT NULL, tls_auth_level TEXT NOT NULL, domain_secure INTEGER NOT NULL,
          tls_certificate_name TEXT NOT NULL, fqdn TEXT NOT NULL, address_spaces TEXT NOT NULL,
          source_servers TEXT NOT NULL, unreadable TEXT NOT NULL, current INTEGER NOT NULL,
          PRIMARY KEY (import_id, direction, server, name)
        ) WITHOUT ROWID;
        CREATE INDEX connector_config_current ON connector_config (current, direction, server);
        CREATE TABLE domain_secure_domain (
          import_id INTEGER NOT NULL REFERENCES connector_import (id),
          direction TEXT NOT NULL, domain TEXT NOT NULL, current INTEGER NOT NULL,
          PRIMARY KEY (import_id, direction, domain)
        ) WITHOUT ROWID;
        """

    /// Version 6: the rollups keyed by integers (docs/architecture.md, "Rollups stored by
    /// integer ids"). Every text value of a rollup key — server, connector, address, EHLO name,
    /// sender domain, user, certificate subject and thumbprint, error, mechanism — is stored once
    /// in `dictionary` (id 0 is the empty text), every negotiated suite once in `suite` (id 0:
    /// none), and the rollups hold their ids. An upsert compares a few integers instead of up to
    /// twelve texts; the views join the texts back. The day stays text and first, so day ranges
    /// stay index ranges; log type, outcome, activity and the identity rollup's protocol stay
    /// short texts (a closed vocabulary, cheap to compare and readable in the views). The session
    /// rollup keeps its suite's protocol beside the key as well: the question most reports ask
    /// (legacy or not) then needs no join.
    static let version6 = """
        DROP VIEW IF EXISTS negotiations;
        DROP VIEW IF EXISTS plaintext_sessions;
        DROP VIEW IF EXISTS tls_failures;
        DROP VIEW IF EXISTS senders;
        DROP VIEW IF EXISTS legacy_senders;
        DROP VIEW IF EXISTS auth_failures;
        DROP VIEW IF EXISTS identities;
        DELETE FROM meta WHERE key = 'views_sql';

        CREATE TABLE dictionary (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
        INSERT INTO dictionary VALUES (0, '');
        INSERT OR IGNORE INTO dictionary (value)
          SELECT server FROM session_rollup UNION SELECT connector FROM session_rollup
          UNION SELECT remote_ip FROM session_rollup UNION SELECT error FROM session_rollup
          UNION SELECT server FROM identity_rollup UNION SELECT connector FROM identity_rollup
          UNION SELECT remote_ip FROM identity_rollup UNION SELECT ehlo FROM identity_rollup
          UNION SELECT sender_domain FROM identity_rollup UNION SELECT auth_user FROM identity_rollup
          UNION SELECT cert_subject FROM identity_rollup UNION SELECT cert_thumbprint FROM identity_rollup
          UNION SELECT server FROM auth_failure_rollup UNION SELECT connector FROM auth_failure_rollup
          UNION SELECT remote_ip FROM auth_failure_rollup UNION SELECT user FROM auth_failure_rollup
          UNION SELECT mechanism FROM auth_failure_rollup UNION SELECT error FROM auth_failure_rollup;

        CREATE TABLE suite (
          id INTEGER PRIMARY KEY, protocol TEXT NOT NULL, role TEXT NOT NULL,
          cipher TEXT NOT NULL, cipher_bits INTEGER NOT NULL, mac TEXT NOT NULL, mac_bits INTEGER NOT NULL,
          key_exchange TEXT NOT NULL, key_exchange_bits INTEGER NOT NULL,
          UNIQUE (protocol, role, cipher, cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits)
        );
        INSERT INTO suite VALUES (0, '', '', '', -1, '', -1, '', -1);
        INSERT OR IGNORE INTO suite (protocol, role, cipher, cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits)
          SELECT DISTINCT protocol, role, cipher, cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits
          FROM session_rollup;

        CREATE TABLE session_rollup_v6 (
          day TEXT NOT NULL, server INTEGER NOT NULL, log_type TEXT NOT NULL, connector INTEGER NOT NULL,
          remote_ip INTEGER NOT NULL, outcome TEXT NOT NULL, suite INTEGER NOT NULL, error INTEGER NOT NULL,
          activity TEXT NOT NULL, protocol TEXT NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (day, server, log_type, connector, remote_ip, outcome, suite, error, activity)
        ) WITHOUT ROWID;
        INSERT INTO session_rollup_v6
          SELECT r.day, s.id, r.log_type, c.id, a.id, r.outcome, u.id, e.id, r.activity, r.protocol,
                 r.sessions, r.first_seen, r.last_seen
          FROM session_rollup r
          JOIN dictionary s ON s.value = r.server JOIN dictionary c ON c.value = r.connector
          JOIN dictionary a ON a.value = r.remote_ip JOIN dictionary e ON e.value = r.error
          JOIN suite u ON u.protocol = r.protocol AND u.role = r.role AND u.cipher = r.cipher
            AND u.cipher_bits = r.cipher_bits AND u.mac = r.mac AND u.mac_bits = r.mac_bits
            AND u.key_exchange = r.key_exchange AND u.key_exchange_bits = r.key_exchange_bits;
        DROP TABLE session_rollup;
        ALTER TABLE session_rollup_v6 RENAME TO session_rollup;

        CREATE TABLE identity_rollup_v6 (
          day TEXT NOT NULL, server INTEGER NOT NULL, log_type TEXT NOT NULL, connector INTEGER NOT NULL,
          remote_ip INTEGER NOT NULL, outcome TEXT NOT NULL, protocol TEXT NOT NULL,
          ehlo INTEGER NOT NULL, sender_domain INTEGER NOT NULL, auth_user INTEGER NOT NULL,
          cert_subject INTEGER NOT NULL, cert_thumbprint INTEGER NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (day, server, log_type, connector, remote_ip, outcome, protocol, ehlo,
                       sender_domain, auth_user, cert_subject, cert_thumbprint)
        ) WITHOUT ROWID;
        INSERT INTO identity_rollup_v6
          SELECT r.day, s.id, r.log_type, c.id, a.id, r.outcome, r.protocol, e.id, d.id, au.id, cs.id, ct.id,
                 r.sessions, r.first_seen, r.last_seen
          FROM identity_rollup r
          JOIN dictionary s ON s.value = r.server JOIN dictionary c ON c.value = r.connector
          JOIN dictionary a ON a.value = r.remote_ip JOIN dictionary e ON e.value = r.ehlo
          JOIN dictionary d ON d.value = r.sender_domain JOIN dictionary au ON au.value = r.auth_user
          JOIN dictionary cs ON cs.value = r.cert_subject JOIN dictionary ct ON ct.value = r.cert_thumbprint;
        DROP TABLE identity_rollup;
        ALTER TABLE identity_rollup_v6 RENAME TO identity_rollup;

        CREATE TABLE auth_failure_rollup_v6 (
          day TEXT NOT NULL, server INTEGER NOT NULL, log_type TEXT NOT NULL, connector INTEGER NOT NULL,
          remote_ip INTEGER NOT NULL, user INTEGER NOT NULL, mechanism INTEGER NOT NULL, error INTEGER NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (day, server, log_type, connector, remote_ip, user, mechanism, error)
        ) WITHOUT ROWID;
        INSERT INTO auth_failure_rollup_v6
          SELECT r.day, s.id, r.log_type, c.id, a.id, u.id, m.id, e.id, r.sessions, r.first_seen, r.last_seen
          FROM auth_failure_rollup r
          JOIN dictionary s ON s.value = r.server JOIN dictionary c ON c.value = r.connector
          JOIN dictionary a ON a.value = r.remote_ip JOIN dictionary u ON u.value = r.user
          JOIN dictionary m ON m.value = r.mechanism JOIN dictionary e ON e.value = r.error;
        DROP TABLE auth_failure_rollup;
        ALTER TABLE auth_failure_rollup_v6 RENAME TO auth_failure_rollup;
        """
}
