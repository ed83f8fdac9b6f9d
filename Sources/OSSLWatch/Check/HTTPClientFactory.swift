public import Foundation
public import Logging
public import OSSLWatchCore
public import OSSLWatchTransport

/// Builds the HTTP client a configuration asks for, reading the optional GitHub token at use.
public enum HTTPClientFactory {
    /// A token file that is configured but unreadable is logged (without its content) and the
    /// client goes on unauthenticated: GitHub's anonymous limit still allows polling.
    public static func client(
        for configuration: Configuration, environment: [String: String], now: @escaping @Sendable () -> Date,
        logger: Logger
    ) -> HTTPClient {
        var token: String?
        if let file = configuration.http.githubTokenFile {
            do {
                token = try CredentialFile.read(name: file, environment: environment)
            } catch {
                logger.warning("GitHub token not used", metadata: ["reason": "\(error)"])
            }
        }
        return HTTPClient(settings: configuration.http, githubToken: token, now: now)
    }
}
