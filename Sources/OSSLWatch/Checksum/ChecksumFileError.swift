/// A published `.sha256` file that is not one of the accepted shapes. Its content is never
/// echoed back, only described.
public struct ChecksumFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case empty
        case tooLarge
        case encoding
        case malformed
        case wrongName
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
