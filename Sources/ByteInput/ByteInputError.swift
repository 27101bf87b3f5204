/// Why bytes could not be read from an input.
public struct ByteInputError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in words for an administrator.
    public var message: String
    /// The input (path or `archive:member`) concerned.
    public var input: String

    public init(_ message: String, input: String) {
        self.message = message
        self.input = input
    }

    public var description: String { "\(input): \(message)" }
}
