public import Foundation
public import OSSLWatchCore
public import OSSLWatchTransport
import Synchronization

/// Confirms a release by its tarball: downloads the published `<tarball>.sha256`, streams
/// the tarball through SHA-256 and compares.
public enum TarballChecksum {
    /// A `.sha256` file holds one line; anything bigger is not one.
    public static let maxChecksumFileBytes = 4096

    /// Extracts the lower-case hex digest from a `.sha256` file.
    ///
    /// Accepted, with an optional final line break: the bare 64 hex digits (older OpenSSL
    /// files); `<hex> *<name>` (coreutils `-r`/binary form, OpenSSL since Sep 2024);
    /// `<hex>  <name>` (coreutils text form). When a name is present and `expectedName` is
    /// given they must be equal. Everything else (BSD tags, several lines, short or long
    /// hex, paths, control characters) is rejected.
    public static func parse(_ data: Data, expectedName: String?) throws -> String {
        guard !data.isEmpty else { throw ChecksumFileError(.empty, "the .sha256 file is empty") }
        guard data.count <= maxChecksumFileBytes else {
            throw ChecksumFileError(.tooLarge, "the .sha256 file is larger than \(maxChecksumFileBytes) bytes")
        }
        guard String(data: data, encoding: .utf8) != nil else {
            throw ChecksumFileError(.encoding, "the .sha256 file is not UTF-8 text")
        }
        var bytes = [UInt8](data)
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        let digest = String(decoding: bytes.prefix(64), as: UTF8.self)
        guard bytes.count >= 64, RunFacts.isSHA256(digest) else {
            throw ChecksumFileError(.malformed, "the .sha256 file does not start with 64 hex digits")
        }
        let hex = digest.lowercased()
        let rest = bytes[64...]
        if rest.isEmpty { return hex }
        let marker = Array(rest.prefix(2))
        guard marker == Array(" *".utf8) || marker == Array("  ".utf8) else {
            throw ChecksumFileError(.malformed, "the .sha256 file is neither bare hex nor '<hex> *<name>'")
        }
        let name = String(decoding: rest.dropFirst(2), as: UTF8.self)
        let nameIsPlain = name.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value < 0x7F && scalar != "/" && scalar != "\\"
        }
        guard !name.isEmpty, name.utf8.count <= 255, nameIsPlain else {
            throw ChecksumFileError(.malformed, "the .sha256 file names no plain file after the digest")
        }
        if let expectedName, name != expectedName {
            throw ChecksumFileError(.wrongName, "the .sha256 file is for \(name), not \(expectedName)")
        }
        return hex
    }

    /// Like `confirm`, but a failed transfer throws, so the caller can log why and retry
    /// later. A published file that is unusable or a digest that differs is a result
    /// (`.mismatched`), not an error.
    public static func verify(
        version: OpenSSLVersion,
        tarballURL: String,
        client: HTTPClient,
        maxBytes: Int
    ) async throws(HTTPError) -> Release.Checksum {
        let expectedName = tarballURL.split(separator: "/").last.map(String.init)
        let published = ByteCollector()
        do {
            _ = try await client.download(url: tarballURL + ".sha256", maxBytes: maxChecksumFileBytes) { bytes in
                published.append(Data(bytes))
            }
        } catch  where error.code == .bodyTooLarge {
            return .mismatched(
                reason: "the published .sha256 for \(version) is larger than \(maxChecksumFileBytes) bytes")
        }
        let expected: String
        do {
            expected = try parse(published.data, expectedName: expectedName)
        } catch {
            return .mismatched(reason: "published checksum for \(version) unusable: \(error)")
        }
        let stream: SHA256Stream
        do {
            stream = try SHA256Stream()
        } catch {
            throw HTTPError(.sinkFailed, url: tarballURL, "cannot hash the tarball: \(error)")
        }
        _ = try await client.download(url: tarballURL, maxBytes: maxBytes) { bytes in
            try stream.update(bytes)
        }
        let actual: String
        do {
            actual = try stream.finalize()
        } catch {
            throw HTTPError(.sinkFailed, url: tarballURL, "cannot hash the tarball: \(error)")
        }
        guard actual == expected else {
            return .mismatched(reason: "tarball of \(version) has SHA-256 \(actual), the published one is \(expected)")
        }
        return .matched(sha256: actual)
    }

    /// Checks the tarball of `version` against its published `.sha256`.
    ///
    /// Returns `.matched` or `.mismatched(reason:)`; when the files cannot be fetched
    /// (network, HTTP status, tarball over `maxBytes`) it returns `.unchecked`, meaning
    /// "try again later", never a confirmation. Use `verify` to get the error itself.
    public static func confirm(
        version: OpenSSLVersion,
        tarballURL: String,
        client: HTTPClient,
        maxBytes: Int
    ) async -> Release.Checksum {
        do {
            return try await verify(version: version, tarballURL: tarballURL, client: client, maxBytes: maxBytes)
        } catch {
            return .unchecked
        }
    }
}

/// Collects the few bytes of a `.sha256` file from the transfer thread.
private final class ByteCollector: Sendable {
    private let storage = Mutex(Data())

    func append(_ chunk: Data) {
        storage.withLock { $0.append(chunk) }
    }

    var data: Data { storage.withLock { $0 } }
}

/// A published `.sha256` file that is not one of the accepted shapes. Its content is never
/// echoed back, only described.
public typealias ChecksumFileError = OneLineError<ChecksumFileErrorCode>

/// The codes of `ChecksumFileError`, for the callers that branch on them.
public enum ChecksumFileErrorCode: String, Sendable, Hashable {
    case empty
    case tooLarge
    case encoding
    case malformed
    case wrongName
}
