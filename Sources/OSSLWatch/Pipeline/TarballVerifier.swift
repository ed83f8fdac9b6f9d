import Foundation
public import OSSLWatchCore
public import OSSLWatchTransport

/// The verify-tarball step: proves the OpenSSL tarball a run will pin is the one OpenSSL
/// published, twice over: its SHA-256 (streamed through libcrypto while it is written to
/// disk) equals the published `.sha256`, and gpgv finds a good detached signature by a key
/// in the keyring the config names (and, when configured, by exactly that key). Any doubt
/// stops the run with the reason; nothing later runs on an unproven tarball.
public struct TarballVerifier: Sendable {
    /// Where the tarball is; `{version}` (`3.5.4`) and `{tag}` (`openssl-3.5.4`) are filled
    /// in. The `.sha256` and `.asc` live at the same URL with those suffixes.
    public var tarballURLTemplate: String = ConfirmationSettings.defaultTarballURL
    /// A binary OpenPGP keyring (`gpg --export > keyring.gpg`) holding the trusted signers.
    public var keyringPath: String
    /// The fingerprint the signing key (or its primary key) must have; spaces are ignored.
    /// `nil` accepts any key in the keyring.
    public var expectedFingerprint: String?
    public var maxTarballBytes: Int = 64 << 20
    /// Seconds gpgv may take.
    public var gpgvTimeout: Double = 60
    public var client: HTTPClient
    /// Runs gpgv; its output lands in the runner's log directory as `verify-tarball-gpgv-attempt<N>`.
    public var runner: CommandRunner

    /// A detached armored signature is a few hundred bytes; this leaves room for several.
    public static let maxSignatureBytes = 64 << 10

    public func tarballURL(for version: OpenSSLVersion) -> String {
        ConfirmationSettings.expand(tarballURLTemplate, version: version.description, tag: version.tag)
    }

    /// Downloads the tarball, `.sha256` and `.asc` of `version` into `workDirectory` and
    /// verifies them; returns the proven digest or throws the reason it is not proven.
    public func verify(_ version: OpenSSLVersion, workDirectory: String, attempt: Int = 1)
        async throws(StepError) -> VerifiedTarball
    {
        let keyring = URL(fileURLWithPath: keyringPath).standardizedFileURL.path
        try PipelineFiles.requireRegularFile(keyring, kind: "keyring") { _, problem in
            StepError(.missingFile, "\(problem): configure the OpenSSL signing keyring (gpg --export)")
        }
        try PipelineFiles.makeDirectory(workDirectory, kind: "work directory")
        let url = tarballURL(for: version)
        let name = Self.fileName(of: url, fallback: "openssl-\(version).tar.gz")
        let directory = URL(fileURLWithPath: workDirectory)
        let tarballPath = directory.appendingPathComponent(name).path
        let signaturePath = tarballPath + ".asc"
        let checksumPath = tarballPath + ".sha256"

        _ = try await fetch(url + ".sha256", to: checksumPath, maxBytes: TarballChecksum.maxChecksumFileBytes)
        let expected: String
        do {
            let published = FileManager.default.contents(atPath: checksumPath) ?? Data()
            expected = try TarballChecksum.parse(published, expectedName: name)
        } catch {
            throw StepError(.checksumMismatch, "\(url).sha256 is unusable: \(error)")
        }
        _ = try await fetch(url + ".asc", to: signaturePath, maxBytes: Self.maxSignatureBytes)
        let actual = try await fetch(url, to: tarballPath, maxBytes: maxTarballBytes)
        guard actual == expected else {
            throw StepError(
                .checksumMismatch,
                "tarball \(url) has SHA-256 \(actual) but the published .sha256 says \(expected): do not use it")
        }
        let fingerprint = try await checkSignature(
            tarball: tarballPath, signature: signaturePath, keyring: keyring, workDirectory: directory,
            attempt: attempt)
        return VerifiedTarball(
            sha256: actual, tarballPath: tarballPath, signaturePath: signaturePath, signerFingerprint: fingerprint)
    }

    /// Streams `url` into `path`, returning the digest.
    private func fetch(_ url: String, to path: String, maxBytes: Int) async throws(StepError) -> String {
        try await DownloadFile.fetch(url, to: path, maxBytes: maxBytes, client: client, what: "file")
    }

    /// Runs gpgv with an empty home of its own (so no personal keyring counts) and reads its
    /// machine-readable status lines rather than its exit status alone.
    private func checkSignature(
        tarball: String, signature: String, keyring: String, workDirectory: URL, attempt: Int
    ) async throws(StepError) -> String {
        let home = workDirectory.appendingPathComponent("gnupg-home").path
        try PipelineFiles.makeDirectory(home, kind: "gpgv home")
        let spec = CommandSpec(
            argv: ["gpgv", "--homedir", home, "--status-fd", "1", "--keyring", keyring, signature, tarball],
            timeout: gpgvTimeout)
        let outcome = try await runner.run(spec, step: "verify-tarball-gpgv", attempt: attempt)
        let status =
            (try? PipelineFiles.readText(outcome.stdoutPath ?? "", kind: "gpgv status", maxBytes: 1 << 20)) ?? ""
        let report = GPGStatus(status)
        let name = URL(fileURLWithPath: tarball).lastPathComponent
        let logs = outcome.stderrPath.map { " (gpgv output in \($0))" } ?? ""
        if let reason = report.failure {
            throw StepError(.badSignature, "signature of \(name): \(reason)\(logs)")
        }
        guard outcome.termination == .exited(0), report.goodSignature, let signer = report.validFingerprint else {
            throw StepError(
                .badSignature, "gpgv did not confirm a good signature of \(name) (\(outcome.termination))\(logs)")
        }
        if let expectedFingerprint {
            let wanted = GPGStatus.normalize(expectedFingerprint)
            guard signer == wanted || report.primaryFingerprint == wanted else {
                throw StepError(
                    .badSignature, "signature of \(name) is by key \(signer), not the expected \(wanted)")
            }
        }
        return signer
    }

    /// The last path component of `url` when it is a plain file name, else `fallback`.
    static func fileName(of url: String, fallback: String) -> String {
        let path = url.split(separator: "?").first.map(String.init) ?? url
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        let plain = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || RunFacts.isDigit(byte)
                || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+")].contains(byte)
        }
        guard plain, !name.isEmpty, !name.hasPrefix("."), name.utf8.count <= 200 else { return fallback }
        return name
    }
}

/// What verify-tarball proved: the digest later steps write into the pin, and where the
/// checked files lie, so a human can re-check them by hand.
public struct VerifiedTarball: Sendable, Hashable, Codable {
    /// SHA-256 of the tarball, lower-case hex; equal to the published `.sha256`.
    public var sha256: String
    public var tarballPath: String
    public var signaturePath: String
    /// The fingerprint gpgv reported for the signing key (upper-case hex, no spaces).
    public var signerFingerprint: String
}

/// gpgv's `--status-fd` lines, read for what they say about the signature. The status
/// protocol is gpg's stable machine interface; its human messages are not.
struct GPGStatus {
    /// A GOODSIG line was seen.
    var goodSignature = false
    /// The signing key's fingerprint from VALIDSIG.
    var validFingerprint: String?
    /// The primary key's fingerprint from VALIDSIG (differs when a subkey signed).
    var primaryFingerprint: String?
    /// Why the signature is not acceptable, when a status line says so.
    var failure: String?

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 2, fields[0] == "[GNUPG:]" else { continue }
            let keyword = fields[1]
            let argument = fields.count > 2 ? fields[2] : "?"
            switch keyword {
            case "GOODSIG": goodSignature = true
            case "VALIDSIG":
                validFingerprint = fields.count > 2 ? Self.normalize(fields[2]) : nil
                primaryFingerprint = fields.count > 11 ? Self.normalize(fields[11]) : validFingerprint
            case "BADSIG":
                failure = failure ?? "BAD signature by key \(argument): the file or the signature was altered"
            case "NO_PUBKEY":
                failure = "signed by key \(argument), which is not in the keyring"
            case "ERRSIG":
                failure = failure ?? "gpgv could not check the signature by key \(argument)"
            case "EXPKEYSIG": failure = failure ?? "signed by key \(argument), which has expired"
            case "REVKEYSIG": failure = failure ?? "signed by key \(argument), which is revoked"
            case "EXPSIG": failure = failure ?? "the signature has expired"
            case "NODATA": failure = failure ?? "the .asc file holds no OpenPGP signature"
            default: break
            }
        }
    }

    /// Upper-case hex without spaces, the form gpg prints in status lines.
    static func normalize(_ fingerprint: String) -> String {
        fingerprint.filter { !$0.isWhitespace }.uppercased()
    }
}
