import TLSSessions

/// The public views (docs/schema.md): the contract for ad hoc SQL and for every report.
///
/// Columns may be added at the end, never renamed or removed. The rollups behind them store
/// ids (schema version 6); the views join the texts back and end with the ids themselves
/// (`server_id`, `connector_id`, `remote_id`, …) so that a query can group by integers and turn
/// only its groups into text (docs/performance.md: grouping 2 M rows by ids first and decoding
/// afterwards took 0.74× the time of grouping by text; grouping through the decoded columns 1.7×).
extension Schema {
    /// ISO-8601 text from log time in milliseconds, in plain SQLite (usable from any client).
    public static func iso(_ column: String) -> String { SQLDialect.sqlite.iso(column) }

    static let legacyProtocols = TLSProtocol.sqlList(TLSProtocol.legacy)

    /// The weak-suite rule (docs/schema.md): comma-separated reasons, empty when none applies,
    /// on the suite `u`; `negotiated` says whether its sessions negotiated (a strength below 128
    /// bits counts only then).
    static func weakReasons(negotiated: String) -> String {
        // The columns `u` names are the same in both dialects; `negotiated` is a condition.
        """
        substr(
          (CASE WHEN u.cipher IN ('CALG_RC4','CALG_RC2','CALG_DES','CALG_3DES','CALG_3DES_112','CALG_NULLCIPHER')
                  OR (\(negotiated) AND u.cipher_bits < 128) THEN ',weak_cipher' ELSE '' END) ||
          (CASE WHEN u.key_exchange = 'CALG_RSA_KEYX' THEN ',no_forward_secrecy' ELSE '' END) ||
          (CASE WHEN u.mac IN ('CALG_MD5','CALG_SHA1') THEN ',weak_mac' ELSE '' END), 2)
        """
    }

    /// `expression AS name`, with empty text read as NULL. `CASE WHEN x <> '' THEN x END` rather
    /// than `NULLIF(x, '')`: a function call copies its text argument for every row, which made
    /// the views cost twice what their tables do to scan.
    static func orNull(_ expression: String, as name: String) -> String {
        "CASE WHEN \(expression) <> '' THEN \(expression) END AS \(name)"
    }

    /// The party's texts for rollup alias `r`: `sv` server, `cn` connector, `ip` address.
    /// Every join to `dictionary` and `suite` is a LEFT JOIN on its primary key (each id is
    /// there, so it matches exactly one row): SQLite then leaves out the joins whose columns a
    /// query does not use, and a query on the id columns reads the rollup alone.
    static func partyJoins(_ r: String) -> String {
        """
        LEFT JOIN dictionary sv ON sv.id = \(r).server LEFT JOIN dictionary cn ON cn.id = \(r).connector
        LEFT JOIN dictionary ip ON ip.id = \(r).remote_ip
        """
    }

    /// The party's ids, at the end of a view.
    static func partyIDs(_ r: String) -> String {
        "\(r).server AS server_id, \(r).connector AS connector_id, \(r).remote_ip AS remote_id"
    }

    /// The views of SQLite, recreated whenever their definitions change.
    static let views = views(.sqlite)

    /// The views in `d`'s dialect: the same columns with the same values in SQLite and PostgreSQL
    /// (conditions shown as 0/1, times as the same ISO-8601 text).
    public static func views(_ d: SQLDialect) -> String {
        let legacyProtocols = Self.legacyProtocols
        return """
        DROP VIEW IF EXISTS negotiations;
        CREATE VIEW negotiations AS
        SELECT r.day, r.log_type, cn.value AS connector, \(orNull("ip.value", as: "remote_ip")),
               \(orNull("r.protocol", as: "protocol")), \(orNull("u.role", as: "role")),
               \(orNull("u.cipher", as: "cipher")), CASE WHEN r.outcome = \(OutcomeKind.tls.sql) THEN u.cipher_bits END AS cipher_bits,
               \(orNull("u.mac", as: "mac")), CASE WHEN r.outcome = \(OutcomeKind.tls.sql) THEN u.mac_bits END AS mac_bits,
               \(orNull("u.key_exchange", as: "key_exchange")),
               CASE WHEN r.outcome = \(OutcomeKind.tls.sql) THEN u.key_exchange_bits END AS key_exchange_bits,
               r.sessions, \(d.iso("r.first_seen")) AS first_seen, \(d.iso("r.last_seen")) AS last_seen,
               sv.value AS server,
               CASE WHEN r.outcome = \(OutcomeKind.tls.sql) THEN \(d.flag("r.protocol IN \(legacyProtocols)")) END AS legacy,
               \(weakReasons(negotiated: "r.outcome = \(OutcomeKind.tls.sql)")) AS weak_reasons,
               \(d.flag("r.outcome = \(OutcomeKind.tlsUnlogged.sql)")) AS protocol_unlogged,
               \(orNull("r.activity", as: "activity")), r.first_seen AS first_seen_ms, r.last_seen AS last_seen_ms,
               \(partyIDs("r")), r.suite AS suite_id
        FROM session_rollup r \(partyJoins("r")) LEFT JOIN suite u ON u.id = r.suite
        WHERE r.outcome IN (\(OutcomeKind.tls.sql), \(OutcomeKind.tlsUnlogged.sql));

        DROP VIEW IF EXISTS plaintext_sessions;
        CREATE VIEW plaintext_sessions AS
        SELECT r.day, r.log_type, cn.value AS connector, \(orNull("ip.value", as: "remote_ip")), r.sessions,
               \(d.iso("r.first_seen")) AS first_seen, \(d.iso("r.last_seen")) AS last_seen, sv.value AS server,
               \(orNull("r.activity", as: "activity")), r.first_seen AS first_seen_ms, r.last_seen AS last_seen_ms,
               \(partyIDs("r"))
        FROM session_rollup r \(partyJoins("r"))
        WHERE r.outcome = \(OutcomeKind.plaintext.sql);

        DROP VIEW IF EXISTS tls_failures;
        CREATE VIEW tls_failures AS
        SELECT r.day, r.log_type, cn.value AS connector, \(orNull("ip.value", as: "remote_ip")), er.value AS error, r.sessions,
               \(d.iso("r.first_seen")) AS first_seen, \(d.iso("r.last_seen")) AS last_seen, sv.value AS server,
               r.first_seen AS first_seen_ms, r.last_seen AS last_seen_ms,
               \(partyIDs("r")), r.error AS error_id
        FROM session_rollup r \(partyJoins("r")) LEFT JOIN dictionary er ON er.id = r.error
        WHERE r.outcome = \(OutcomeKind.failed.sql);

        DROP VIEW IF EXISTS senders;
        CREATE VIEW senders AS
        SELECT g.log_type, cn.value AS connector, \(orNull("ip.value", as: "remote_ip")), \(orNull("eh.value", as: "ehlo")),
               g.sessions, \(d.iso("g.first_seen")) AS first_seen, \(d.iso("g.last_seen")) AS last_seen, sv.value AS server,
               \(partyIDs("g")), g.ehlo AS ehlo_id
        FROM (SELECT server, log_type, connector, remote_ip, ehlo, \(d.sum("sessions")) AS sessions,
                     MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen
              FROM identity_rollup GROUP BY server, log_type, connector, remote_ip, ehlo) g
        \(partyJoins("g")) LEFT JOIN dictionary eh ON eh.id = g.ehlo;

        DROP VIEW IF EXISTS legacy_senders;
        CREATE VIEW legacy_senders AS
        WITH l AS (
          SELECT i.server, i.log_type, i.connector, i.remote_ip,
                 \(d.concatDistinct("i.protocol")) AS protocols, \(d.sum("i.sessions")) AS legacy_sessions,
                 \(d.concatDistinct("CASE WHEN eh.value <> '' THEN eh.value END")) AS ehlo_names,
                 \(d.concatDistinct("CASE WHEN sd.value <> '' THEN sd.value END")) AS sender_domains,
                 \(d.concatDistinct("CASE WHEN au.value <> '' THEN au.value END")) AS auth_users,
                 MIN(i.first_seen) AS first_seen, MAX(i.last_seen) AS last_seen,
                 \(d.concatDistinct("CASE WHEN cs.value <> '' THEN cs.value END")) AS certificate_subjects,
                 \(d.concatDistinct("CASE WHEN ct.value <> '' THEN ct.value END")) AS certificate_thumbprints
          FROM identity_rollup i
          LEFT JOIN dictionary eh ON eh.id = i.ehlo LEFT JOIN dictionary sd ON sd.id = i.sender_domain
          LEFT JOIN dictionary au ON au.id = i.auth_user LEFT JOIN dictionary cs ON cs.id = i.cert_subject
          LEFT JOIN dictionary ct ON ct.id = i.cert_thumbprint
          WHERE i.outcome = \(OutcomeKind.tls.sql) AND i.protocol IN \(legacyProtocols)
          GROUP BY i.server, i.log_type, i.connector, i.remote_ip
        ), m AS (
          SELECT r.server, r.log_type, r.connector, r.remote_ip, \(d.sum("r.sessions")) AS modern_sessions
          FROM session_rollup r
          WHERE r.outcome = \(OutcomeKind.tls.sql) AND r.protocol NOT IN \(legacyProtocols)
          GROUP BY r.server, r.log_type, r.connector, r.remote_ip
        )
        SELECT l.log_type, cn.value AS connector, \(orNull("ip.value", as: "remote_ip")), l.protocols, l.legacy_sessions,
               COALESCE(m.modern_sessions, 0) AS modern_sessions, l.ehlo_names, l.sender_domains, l.auth_users,
               \(d.iso("l.first_seen")) AS first_seen, \(d.iso("l.last_seen")) AS last_seen, sv.value AS server,
               l.certificate_subjects, l.certificate_thumbprints, \(partyIDs("l"))
        FROM l LEFT JOIN m ON m.server = l.server AND m.log_type = l.log_type AND m.connector = l.connector
                          AND m.remote_ip = l.remote_ip
        \(partyJoins("l"));

        DROP VIEW IF EXISTS auth_failures;
        CREATE VIEW auth_failures AS
        SELECT r.day, r.log_type, cn.value AS connector, \(orNull("ip.value", as: "remote_ip")), \(orNull("us.value", as: "user")),
               \(orNull("me.value", as: "mechanism")), er.value AS error, r.sessions,
               \(d.iso("r.first_seen")) AS first_seen, \(d.iso("r.last_seen")) AS last_seen, sv.value AS server,
               r.first_seen AS first_seen_ms, r.last_seen AS last_seen_ms, \(partyIDs("r"))
        FROM auth_failure_rollup r \(partyJoins("r"))
        LEFT JOIN dictionary us ON us.id = r.user LEFT JOIN dictionary me ON me.id = r.mechanism LEFT JOIN dictionary er ON er.id = r.error;

        DROP VIEW IF EXISTS identities;
        CREATE VIEW identities AS
        SELECT r.day, r.log_type, cn.value AS connector, \(orNull("ip.value", as: "remote_ip")), r.outcome,
               \(orNull("r.protocol", as: "protocol")),
               \(orNull("eh.value", as: "ehlo")), \(orNull("sd.value", as: "sender_domain")), \(orNull("au.value", as: "auth_user")),
               \(orNull("cs.value", as: "certificate_subject")), \(orNull("ct.value", as: "certificate_thumbprint")),
               r.sessions, \(d.iso("r.first_seen")) AS first_seen, \(d.iso("r.last_seen")) AS last_seen, sv.value AS server,
               CASE WHEN r.outcome = \(OutcomeKind.tls.sql) THEN \(d.flag("r.protocol IN \(legacyProtocols)")) END AS legacy,
               r.first_seen AS first_seen_ms, r.last_seen AS last_seen_ms,
               \(partyIDs("r")), r.ehlo AS ehlo_id, r.sender_domain AS sender_domain_id, r.auth_user AS auth_user_id,
               r.cert_subject AS certificate_subject_id, r.cert_thumbprint AS certificate_thumbprint_id
        FROM identity_rollup r \(partyJoins("r"))
        LEFT JOIN dictionary eh ON eh.id = r.ehlo LEFT JOIN dictionary sd ON sd.id = r.sender_domain
        LEFT JOIN dictionary au ON au.id = r.auth_user LEFT JOIN dictionary cs ON cs.id = r.cert_subject
        LEFT JOIN dictionary ct ON ct.id = r.cert_thumbprint;

        DROP VIEW IF EXISTS suites;
        CREATE VIEW suites AS
        SELECT u.id, \(orNull("u.protocol", as: "protocol")), \(orNull("u.role", as: "role")),
               \(orNull("u.cipher", as: "cipher")), u.cipher_bits, \(orNull("u.mac", as: "mac")), u.mac_bits,
               \(orNull("u.key_exchange", as: "key_exchange")), u.key_exchange_bits,
               \(weakReasons(negotiated: d.true)) AS weak_reasons
        FROM suite u WHERE u.id <> 0;

        DROP VIEW IF EXISTS texts;
        CREATE VIEW texts AS SELECT id, value FROM dictionary;

        DROP VIEW IF EXISTS unfinished_sessions;
        CREATE VIEW unfinished_sessions AS
        SELECT log_type, connector, CASE WHEN remote_ip <> '' THEN remote_ip END AS remote_ip, CASE WHEN protocol <> '' THEN protocol END AS protocol,
               \(d.iso("last_seen")) AS last_seen, server,
               CASE WHEN protocol <> '' THEN \(d.flag("protocol IN \(legacyProtocols)")) END AS legacy
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
               CASE WHEN c.fqdn <> '' THEN c.fqdn END AS fqdn, \(d.iso("i.imported_at")) AS imported_at,
               c.log_name AS connector, CASE WHEN c.address_spaces <> '' THEN c.address_spaces END AS address_spaces,
               CASE WHEN c.source_servers <> '' THEN c.source_servers END AS source_servers,
               CASE WHEN c.unreadable <> '' THEN c.unreadable END AS unreadable, i.source
        FROM connector_config c JOIN connector_import i ON i.id = c.import_id WHERE c.current = 1;

        DROP VIEW IF EXISTS connector_history;
        CREATE VIEW connector_history AS
        SELECT CASE WHEN c.server <> '' THEN c.server END AS server, c.direction, c.name, c.require_tls,
               CASE WHEN c.tls_auth_level <> '' THEN c.tls_auth_level END AS tls_auth_level, c.domain_secure,
               CASE WHEN c.auth_mechanisms <> '' THEN c.auth_mechanisms END AS auth_mechanisms,
               \(d.iso("i.imported_at")) AS imported_at, c.current, i.source
        FROM connector_config c JOIN connector_import i ON i.id = c.import_id;

        DROP VIEW IF EXISTS domain_secure_domains;
        CREATE VIEW domain_secure_domains AS
        SELECT d.direction, d.domain, \(d.iso("i.imported_at")) AS imported_at
        FROM domain_secure_domain d JOIN connector_import i ON i.id = d.import_id WHERE d.current = 1;

        DROP VIEW IF EXISTS ingest_log;
        CREATE VIEW ingest_log AS
        SELECT path, member, server, size, consumed_bytes, records, malformed_rows,
               first_ingested, last_ingested, fingerprint
        FROM ingested_inputs;
        """
    }
}
