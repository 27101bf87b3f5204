extension Schema {
    /// A new database's tables at ``currentVersion`` in one script, with the rows the migrations
    /// seed: what ``migrations`` build step by step, statement for statement as SQLite stores
    /// them (`SchemaTests` holds the two equal, so a new migration fails it until this script
    /// is brought up to date). A new database is made by it in one pass: the migrations rebuild
    /// and rename tables, and each `ALTER TABLE` parses the whole schema again (some 30 M
    /// instructions of a run's start-up, docs/performance.md).
    static let currentTables = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

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

        CREATE TABLE open_sessions (
          server TEXT NOT NULL, log_type TEXT NOT NULL, connector TEXT NOT NULL, session_id TEXT NOT NULL,
          last_seen INTEGER NOT NULL, state TEXT NOT NULL, remote_ip TEXT NOT NULL DEFAULT '', protocol TEXT NOT NULL DEFAULT '',
          PRIMARY KEY (server, log_type, connector, session_id)
        ) WITHOUT ROWID;

        CREATE TABLE malformed_rows (
          fingerprint TEXT NOT NULL, path TEXT NOT NULL, member TEXT NOT NULL,
          line INTEGER NOT NULL, reason TEXT NOT NULL, excerpt TEXT NOT NULL
        );

        CREATE TABLE unrecognized_tls (
          server TEXT NOT NULL, log_type TEXT NOT NULL, text TEXT NOT NULL,
          occurrences INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (server, log_type, text)
        ) WITHOUT ROWID;

        CREATE TABLE coverage (
          server TEXT NOT NULL, log_type TEXT NOT NULL, hour TEXT NOT NULL, sessions INTEGER NOT NULL,
          PRIMARY KEY (server, log_type, hour)
        ) WITHOUT ROWID;

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

        CREATE TABLE dictionary (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);

        CREATE TABLE suite (
          id INTEGER PRIMARY KEY, protocol TEXT NOT NULL, role TEXT NOT NULL,
          cipher TEXT NOT NULL, cipher_bits INTEGER NOT NULL, mac TEXT NOT NULL, mac_bits INTEGER NOT NULL,
          key_exchange TEXT NOT NULL, key_exchange_bits INTEGER NOT NULL,
          UNIQUE (protocol, role, cipher, cipher_bits, mac, mac_bits, key_exchange, key_exchange_bits)
        );

        CREATE TABLE "session_rollup" (
          day TEXT NOT NULL, server INTEGER NOT NULL, log_type TEXT NOT NULL, connector INTEGER NOT NULL,
          remote_ip INTEGER NOT NULL, outcome TEXT NOT NULL, suite INTEGER NOT NULL, error INTEGER NOT NULL,
          activity TEXT NOT NULL, protocol TEXT NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (day, server, log_type, connector, remote_ip, outcome, suite, error, activity)
        ) WITHOUT ROWID;

        CREATE TABLE "identity_rollup" (
          day TEXT NOT NULL, server INTEGER NOT NULL, log_type TEXT NOT NULL, connector INTEGER NOT NULL,
          remote_ip INTEGER NOT NULL, outcome TEXT NOT NULL, protocol TEXT NOT NULL,
          ehlo INTEGER NOT NULL, sender_domain INTEGER NOT NULL, auth_user INTEGER NOT NULL,
          cert_subject INTEGER NOT NULL, cert_thumbprint INTEGER NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (day, server, log_type, connector, remote_ip, outcome, protocol, ehlo,
                       sender_domain, auth_user, cert_subject, cert_thumbprint)
        ) WITHOUT ROWID;

        CREATE TABLE "auth_failure_rollup" (
          day TEXT NOT NULL, server INTEGER NOT NULL, log_type TEXT NOT NULL, connector INTEGER NOT NULL,
          remote_ip INTEGER NOT NULL, user INTEGER NOT NULL, mechanism INTEGER NOT NULL, error INTEGER NOT NULL,
          sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (day, server, log_type, connector, remote_ip, user, mechanism, error)
        ) WITHOUT ROWID;

        INSERT INTO meta VALUES ('created_by', 'smtptls');
        INSERT INTO dictionary VALUES (0, '');
        INSERT INTO suite VALUES (0, '', '', '', -1, '', -1, '', -1);
        """
}
