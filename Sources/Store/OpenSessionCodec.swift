import Foundation
import TLSSessions

/// Open sessions are stored as JSON in `open_sessions.state`: a private format, rewritten by
/// every run, readable by people debugging a join.
public enum OpenSessionCodec {
    public static func encode(_ fragment: SessionFragment) throws -> String {
        let data = try JSONEncoder().encode(fragment)
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> SessionFragment {
        try JSONDecoder().decode(SessionFragment.self, from: Data(text.utf8))
    }
}
