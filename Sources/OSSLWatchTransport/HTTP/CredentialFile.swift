import Foundation
public import OSSLWatchCore

/// Reads secrets (the GitHub token) from files, the systemd way first.
public enum CredentialFile {
    /// Returns the trimmed content of a credential.
    ///
    /// `name` is what the config gives (`github_token_file`). When `$CREDENTIALS_DIRECTORY`
    /// is set (systemd `LoadCredential=`), `$CREDENTIALS_DIRECTORY/<last path component of
    /// name>` is used if it exists; otherwise `name` itself is read as a path.
    public static func read(name: String, environment: [String: String]) throws -> String {
        let fileManager = FileManager.default
        var path = name
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent(
                URL(fileURLWithPath: name).lastPathComponent
            ).path
            if fileManager.fileExists(atPath: candidate) {
                path = candidate
            }
        }
        guard fileManager.fileExists(atPath: path) else {
            throw CredentialError(.missing, "credential file \(path) does not exist")
        }
        guard let data = fileManager.contents(atPath: path) else {
            throw CredentialError(.unreadable, "credential file \(path) cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CredentialError(.unreadable, "credential file \(path) is not UTF-8 text")
        }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else {
            throw CredentialError(.empty, "credential file \(path) is empty")
        }
        return secret
    }
}

/// A secret file that could not be used. The message names the file, never its content.
public typealias CredentialError = OneLineError<CredentialErrorCode>

/// The codes of `CredentialError`, for the callers that branch on them.
public enum CredentialErrorCode: String, Sendable, Hashable {
    case missing
    case unreadable
    case empty
}
