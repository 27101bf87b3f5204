import TLSSessions

/// The database schema: private tables, the public views, and migrations by `PRAGMA user_version`.
///
/// The views are the public contract (docs/schema.md): columns may be added at the end, never
/// renamed or removed. Tables are private and may change with a migration.
public enum Schema {
    /// The version this build writes. Each entry of ``migrations`` moves the database one version up.
    public static var currentVersion: Int { migrations.count }

    /// Migration N (1-based) takes a database from version N-1 to N. Never edit a shipped one.
    static let migrations: [String] = [version1, version2, version3, version4, version5]

    /// Brings `db` to ``currentVersion`` (or to `target`, for tests of a migration; the views are
    /// only written at the current version); refuses a database from a newer build.
    public static func migrate(_ db: SQLiteDatabase, to target: Int = currentVersion) throws {
        let version = try db.userVersion
        if version > currentVersion {
            throw StoreError(
                code: 1,
                message: "\(db.path) has schema version \(version); this smtptls knows up to \(currentVersion). Upgrade smtptls.")
        }
        for next in (version + 1)...max(version + 1, target) where next <= target {
            try db.transaction {
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
            try db.transaction {
                try db.execute(views)
                let save = try db.prepare("INSERT OR REPLACE INTO meta VALUES ('views_sql', ?)")
                save.bind(1, views)
                try save.run()
            }
        }
    }

    // ISO-8601 text from log time in milliseconds, in plain SQLite (usable from any client).
    public static func iso(_ column: String) -> String {
        "strftime('%Y-%m-%dT%H:%M:%fZ', \(column) / 1000.0, 'unixepoch')"
    }

    static let legacyProtocols = TLSProtocol.sqlList(TLSProtocol.legacy)

    /// The weak-suite rule (docs/schema.md): comma-separated reasons, empty when none applies.
    static let weakReasons = """
        substr(
          (CASE WHEN cipher IN ('CALG_RC4','CALG_RC2','CALG_DES','CALG_3DES','CALG_3DES_112','CALG_NULLCIPHER')
                  OR (outcome = \(OutcomeKind.tls.sql) AND cipher_bits < 128) THEN ',weak_cipher' ELSE '' END) ||
          (CASE WHEN key_exchange = 'CALG_RSA_KEYX' THEN ',no_forward_secrecy' ELSE '' END) ||
          (CASE WHEN mac IN ('CALG_MD5','CALG_SHA1') THEN ',weak_mac' ELSE '' END), 2)
        """

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

    /// The public views, recreated whenever their definitions change.
    /// Empty text reads as NULL through `CASE WHEN x <> '' THEN x END` rather than
    /// `NULLIF(x, '')`: a function call copies its text argument into a new buffer for every
    /// row, which made the views cost twice what their tables do to scan.
    static let views = """
        DROP VIEW IF EXISTS negotiations;
        CREATE VIEW negotiations AS
        SELECT day, log_type, connector, CASE WHEN remote_ip <> '' THEN remote_ip END AS remote_ip,
               CASE WHEN protocol <> '' THEN protocol END AS protocol, CASE WHEN role <> '' THEN role END AS role,
               CASE WHEN cipher <> '' THEN cipher END AS cipher, CASE WHEN outcome = \(OutcomeKind.tls.sql) THEN cipher_bits END AS cipher_bits,
               CASE WHEN mac <> '' THEN mac END AS mac, CASE WHEN outcome = \(OutcomeKind.tls.sql) THEN mac_bits END AS mac_bits,
               CASE WHEN key_exchange <> '' THEN key_exchange END AS key_exchange,
               CASE WHEN outcome = \(OutcomeKind.tls.sql) THEN key_exchange_bits END AS key_exchange_bits,
               sessions, \(iso("first_seen")) AS first_seen, \(iso("last_seen")) AS last_seen,
               server,
               CASE WHEN outcome = \(OutcomeKind.tls.sql) THEN protocol IN \(legacyProtocols) END AS legacy,
               \(weakReasons) AS weak_reasons,
               outcome = \(OutcomeKind.tlsUnlogged.sql) AS protocol_unlogged,
               CASE WHEN activity <> '' THEN activity END AS activity, first_seen AS first_seen_ms, last_seen AS last_seen_ms
        FROM session_rollup WHERE outcome IN (\(OutcomeKind.tls.sql), \(OutcomeKind.tlsUnlogged.sql));

        DROP VIEW IF EXISTS plaintext_sessions;
        CREATE VIEW plaintext_sessions AS
        SELECT day, log_type, connector, CASE WHEN remote_ip <> '' THEN remote_ip END AS remote_ip, sessions,
               \(iso("first_seen")) AS first_seen, \(iso("last_seen")) AS last_seen, server,
               CASE WHEN activity <> '' THEN activity END AS activity, first_seen AS first_seen_ms, last_seen AS last_seen_ms
        FROM session_rollup WHERE outcome = \(OutcomeKind.plaintext.sql);

        DROP VIEW IF EXISTS tls_failures;
        CREATE VIEW tls_failures AS
        SELECT day, log_type, connector, CASE WHEN remote_ip <> '' THEN remote_ip END AS remote_ip, error, sessions,
               \(iso("first_seen")) AS first_seen, \(iso("last_seen")) AS last_seen, server,
               first_seen AS first_seen_ms, last_seen AS last_seen_ms
        FROM session_rollup WHERE outcome = \(OutcomeKind.failed.sql);

        DROP VIEW IF EXISTS senders;
        CREATE VIEW senders AS
        SELECT log_type, connector, CASE WHEN remote_ip <> '' THEN remote_ip END AS remote_ip, CASE WHEN ehlo <> '' THEN ehlo END AS ehlo,
               SUM(sessions) AS sessions,
               \(iso("MIN(first_seen)")) AS first_seen, \(iso("MAX(last_seen)")) AS last_seen, server
        FROM identity_rollup
        GROUP BY server, log_type, connector, identity_rollup.remote_ip, identity_rollup.ehlo;

        DROP VIEW IF EXISTS legacy_senders;
        CREATE VIEW legacy_senders AS
        WITH l AS (
          SELECT server, log_type, connector, remote_ip,
                 group_concat(DISTINCT protocol) AS protocols, SUM(sessions) AS legacy_sessions,
                 group_concat(DISTINCT CASE WHEN ehlo <> '' THEN ehlo END) AS ehlo_names,
                 group_concat(DISTINCT CASE WHEN sender_domain <> '' THEN sender_domain END) AS sender_domains,
                 group_concat(DISTINCT CASE WHEN auth_user <> '' THEN auth_user END) AS auth_users,
                 MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen,
                 group_concat(DISTINCT CASE WHEN cert_subject <> '' THEN cert_subject END) AS certificate_subjects,
                 group_concat(DISTINCT CASE WHEN cert_thumbprint <> '' THEN cert_thumbprint END) AS certificate_thumbprints
          FROM identity_rollup
          WHERE outcome = \(OutcomeKind.tls.sql) AND protocol IN \(legacyProtocols)
          GROUP BY server, log_type, connector, remote_ip
        ), m AS (
          SELECT server, log_type, connector, remote_ip, SUM(sessions) AS modern_sessions
          FROM session_rollup
          WHERE outcome = \(OutcomeKind.tls.sql) AND protocol NOT IN \(legacyProtocols)
          GROUP BY server, log_type, connector, remote_ip
        )
        SELECT l.log_type, l.connector, CASE WHEN l.remote_ip <> '' THEN l.remote_ip END AS remote_ip, l.protocols, l.legacy_sessions,
               COALESCE(m.modern_sessions, 0) AS modern_sessions, l.ehlo_names, l.sender_domains, l.auth_users,
               \(iso("l.first_seen")) AS first_seen, \(iso("l.last_seen")) AS last_seen, l.server,
               l.certificate_subjects, l.certificate_thumbprints
        FROM l LEFT JOIN m ON m.server = l.server AND m.log_type = l.log_type AND m.connector = l.connector
                          AND m.remote_ip = l.remote_ip;

        DROP VIEW IF EXISTS auth_failures;
        CREATE VIEW auth_failures AS
        SELECT day, log_type, connector, CASE WHEN remote_ip <> '' THEN remote_ip END AS remote_ip, CASE WHEN user <> '' THEN user END AS user,
               CASE WHEN mechanism <> '' THEN mechanism END AS mechanism, error, sessions,
               \(iso("first_seen")) AS first_seen, \(iso("last_seen")) AS last_seen, server,
               first_seen AS first_seen_ms, last_seen AS last_seen_ms
        FROM auth_failure_rollup;

        DROP VIEW IF EXISTS identities;
        CREATE VIEW identities AS
        SELECT day, log_type, connector, CASE WHEN remote_ip <> '' THEN remote_ip END AS remote_ip, outcome, CASE WHEN protocol <> '' THEN protocol END AS protocol,
               CASE WHEN ehlo <> '' THEN ehlo END AS ehlo, CASE WHEN sender_domain <> '' THEN sender_domain END AS sender_domain, CASE WHEN auth_user <> '' THEN auth_user END AS auth_user,
               CASE WHEN cert_subject <> '' THEN cert_subject END AS certificate_subject, CASE WHEN cert_thumbprint <> '' THEN cert_thumbprint END AS certificate_thumbprint,
               sessions, \(iso("first_seen")) AS first_seen, \(iso("last_seen")) AS last_seen, server,
               CASE WHEN outcome = \(OutcomeKind.tls.sql) THEN protocol IN \(legacyProtocols) END AS legacy,
               first_seen AS first_seen_ms, last_seen AS last_seen_ms
        FROM identity_rollup;

        DROP VIEW IF EXISTS unfinished_sessions;
        CREATE VIEW unfinished_sessions AS
        SELECT log_type, connector, CASE WHEN remote_ip <> '' THEN remote_ip END AS remote_ip, CASE WHEN protocol <> '' THEN protocol END AS protocol,
               \(iso("last_seen")) AS last_seen, server,
               CASE WHEN protocol <> '' THEN protocol IN \(legacyProtocols) END AS legacy
        FROM open_sessions;

        DROP VIEW IF EXISTS hourly_coverage;
        CREATE VIEW hourly_coverage AS
        SELECT substr(hour, 1, 10) AS day, substr(hour, 12, 2) AS hour, server, log_type, sessions
        FROM coverage;

        DROP VIEW IF EXISTS connectors;
        CREATE VIEW connectors AS
        SELECT CASE WHEN c.server <> '' THEN c.server END AS server, c.direction, c.name,
               CASE WHEN c.bindings <> '' THEN c.bindings END AS bindings,
               CASE WHEN c.remote_ip_ranges <> '' THEN c.remote_ip_ranges END AS remote_ip_ranges,
               CASE WHEN c.auth_mechanisms <> '' THEN c.auth_mechanisms END AS auth_mechanisms,
               c.require_tls, CASE WHEN c.tls_auth_level <> '' THEN c.tls_auth_level END AS tls_auth_level,
               c.domain_secure, CASE WHEN c.tls_certificate_name <> '' THEN c.tls_certificate_name END AS tls_certificate_name,
               CASE WHEN c.fqdn <> '' THEN c.fqdn END AS fqdn, \(iso("i.imported_at")) AS imported_at,
               c.log_name AS connector, CASE WHEN c.address_spaces <> '' THEN c.address_spaces END AS address_spaces,
               CASE WHEN c.source_servers <> '' THEN c.source_servers END AS source_servers,
               CASE WHEN c.unreadable <> '' THEN c.unreadable END AS unreadable, i.source
        FROM connector_config c JOIN connector_import i ON i.id = c.import_id WHERE c.current = 1;

        DROP VIEW IF EXISTS connector_history;
        CREATE VIEW connector_history AS
        SELECT CASE WHEN c.server <> '' THEN c.server END AS server, c.direction, c.name, c.require_tls,
               CASE WHEN c.tls_auth_level <> '' THEN c.tls_auth_level END AS tls_auth_level, c.domain_secure,
               CASE WHEN c.auth_mechanisms <> '' THEN c.auth_mechanisms END AS auth_mechanisms,
               \(iso("i.imported_at")) AS imported_at, c.current, i.source
        FROM connector_config c JOIN connector_import i ON i.id = c.import_id;

        DROP VIEW IF EXISTS domain_secure_domains;
        CREATE VIEW domain_secure_domains AS
        SELECT d.direction, d.domain, \(iso("i.imported_at")) AS imported_at
        FROM domain_secure_domain d JOIN connector_import i ON i.id = d.import_id WHERE d.current = 1;

        DROP VIEW IF EXISTS ingest_log;
        CREATE VIEW ingest_log AS
        SELECT path, member, server, size, consumed_bytes, records, malformed_rows,
               first_ingested, last_ingested, fingerprint
        FROM ingested_inputs;
        """
}
