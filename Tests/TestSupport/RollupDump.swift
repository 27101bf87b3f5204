/// The private rollup tables with their texts joined back, every column, in key order: two
/// databases holding the same rollups give the same rows whatever ids each gave its texts
/// (the ids depend on the order values were first committed; schema version 6).
public enum RollupDump {
    public static let sessions = """
        SELECT r.day, sv.value, r.log_type, cn.value, ip.value, r.outcome, u.protocol, u.role, u.cipher, u.cipher_bits,
               u.mac, u.mac_bits, u.key_exchange, u.key_exchange_bits, er.value, r.activity,
               r.sessions, r.first_seen, r.last_seen
        FROM session_rollup r
        JOIN dictionary sv ON sv.id = r.server JOIN dictionary cn ON cn.id = r.connector
        JOIN dictionary ip ON ip.id = r.remote_ip JOIN dictionary er ON er.id = r.error JOIN suite u ON u.id = r.suite
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
        """

    public static let identities = """
        SELECT r.day, sv.value, r.log_type, cn.value, ip.value, r.outcome, r.protocol, eh.value, sd.value, au.value,
               cs.value, ct.value, r.sessions, r.first_seen, r.last_seen
        FROM identity_rollup r
        JOIN dictionary sv ON sv.id = r.server JOIN dictionary cn ON cn.id = r.connector
        JOIN dictionary ip ON ip.id = r.remote_ip JOIN dictionary eh ON eh.id = r.ehlo
        JOIN dictionary sd ON sd.id = r.sender_domain JOIN dictionary au ON au.id = r.auth_user
        JOIN dictionary cs ON cs.id = r.cert_subject JOIN dictionary ct ON ct.id = r.cert_thumbprint
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
        """

    public static let authFailures = """
        SELECT r.day, sv.value, r.log_type, cn.value, ip.value, us.value, me.value, er.value,
               r.sessions, r.first_seen, r.last_seen
        FROM auth_failure_rollup r
        JOIN dictionary sv ON sv.id = r.server JOIN dictionary cn ON cn.id = r.connector
        JOIN dictionary ip ON ip.id = r.remote_ip JOIN dictionary us ON us.id = r.user
        JOIN dictionary me ON me.id = r.mechanism JOIN dictionary er ON er.id = r.error
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
        """

    /// All three rollups.
    public static let all = [sessions, identities, authFailures]
}
