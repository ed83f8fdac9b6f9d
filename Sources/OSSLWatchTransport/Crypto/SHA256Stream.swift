import COpenSSL
public import Foundation
public import OSSLWatchCore

/// SHA-256 over data that arrives in pieces (a tarball streamed from the network), through
/// libcrypto's EVP interface, the one OpenSSL 3 does not deprecate.
///
/// A class because it owns an `EVP_MD_CTX`, freed in `deinit`. It is `@unchecked Sendable`
/// because every access to the context and the finished digest happens under `lock`, so a
/// download sink running on a transfer thread can feed it safely.
public final class SHA256Stream: @unchecked Sendable {
    private let lock = NSLock()
    private let context: OpaquePointer
    private var digest: String?

    public init() throws {
        guard let context = EVP_MD_CTX_new() else {
            throw CryptoError(.allocationFailed, "libcrypto could not allocate a digest context")
        }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw CryptoError(.digestFailed, "libcrypto could not start a SHA-256 digest")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds the next piece of input.
    public func update(_ bytes: UnsafeRawBufferPointer) throws {
        lock.lock()
        defer { lock.unlock() }
        if digest != nil {
            throw CryptoError(.alreadyFinalized, "SHA-256 digest already finalized")
        }
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else {
            throw CryptoError(.digestFailed, "libcrypto failed to update a SHA-256 digest")
        }
    }

    /// Adds the next piece of input.
    public func update(_ data: Data) throws {
        try data.withUnsafeBytes { try update($0) }
    }

    /// The digest as 64 lower-case hex characters. Later calls return the same value;
    /// `update` after this throws.
    public func finalize() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let digest { return digest }
        var buffer = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &buffer, &length) == 1, length == 32 else {
            throw CryptoError(.digestFailed, "libcrypto failed to finish a SHA-256 digest")
        }
        let hex = buffer.prefix(Int(length)).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
        digest = hex
        return hex
    }

    /// The SHA-256 of a whole buffer, lower-case hex.
    public static func hex(of data: Data) throws -> String {
        let stream = try SHA256Stream()
        try stream.update(data)
        return try stream.finalize()
    }
}

/// libcrypto refused a digest operation (allocation failure, misuse such as updating a
/// finished digest). Rare; reported rather than trapped.
public typealias CryptoError = OneLineError<CryptoErrorCode>

/// The codes of `CryptoError`, for the callers that branch on them.
public enum CryptoErrorCode: String, Sendable, Hashable {
    case allocationFailed
    case digestFailed
    case alreadyFinalized
}
