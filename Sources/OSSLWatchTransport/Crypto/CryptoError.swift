/// libcrypto refused a digest operation (allocation failure, misuse such as updating a
/// finished digest). Rare; reported rather than trapped.
public struct CryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case allocationFailed
        case digestFailed
        case alreadyFinalized
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
