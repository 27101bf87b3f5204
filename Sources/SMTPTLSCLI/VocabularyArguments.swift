import ArgumentParser
import LogScanner
import TLSSessions

// The closed vocabularies as command-line values: parsing, the help's list of values and the
// validation come from the same enum, so they cannot disagree.

extension UTCDay: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var defaultCompletionKind: CompletionKind { .default }
}

extension LogType: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

/// The lowest protocol that stays enabled (`impact --floor`): TLS 1.0 to TLS 1.3.
struct ProtocolFloor: ExpressibleByArgument, Sendable {
    var value: TLSProtocol

    static let choices: [TLSProtocol] = [.tls10, .tls11, .tls12, .tls13]

    init(_ value: TLSProtocol) { self.value = value }

    init?(argument: String) {
        guard let p = TLSProtocol(name: argument), Self.choices.contains(p) else { return nil }
        value = p
    }

    var defaultValueDescription: String { value.name }
    static var allValueStrings: [String] { choices.map(\.name) }
}
