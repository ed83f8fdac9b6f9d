import Foundation

/// The whole, validated configuration: what the daemon and the CLI run with.
///
/// Values are final after `ConfigLoader.load`: defaults filled in, durations in seconds,
/// relative paths made absolute against the config file's directory.
public struct Configuration: Sendable, Hashable {
    /// Where the state database lives: the YAML's `state_directory`, else `$STATE_DIRECTORY`
    /// (systemd's `StateDirectory=`), else `/var/lib/osslwatch`.
    public var stateDirectory: String
    public var http: HTTPSettings
    public var backoff: BackoffSettings
    public var confirmation: ConfirmationSettings
    public var feeds: [FeedSettings]
    public var projects: [ProjectSettings]
    /// The config file this was loaded from, as given; errors found later name it.
    public var file: String

    public init(
        stateDirectory: String = ConfigLoader.fallbackStateDirectory, http: HTTPSettings = HTTPSettings(),
        backoff: BackoffSettings = BackoffSettings(), confirmation: ConfirmationSettings = ConfirmationSettings(),
        feeds: [FeedSettings], projects: [ProjectSettings], file: String = ConfigLoader.defaultPath
    ) {
        self.stateDirectory = stateDirectory
        self.http = http
        self.backoff = backoff
        self.confirmation = confirmation
        self.feeds = feeds
        self.projects = projects
        self.file = file
    }

    /// The directory of the config file; relative names resolve against it.
    public var directory: String {
        let absolute = ConfigLoader.absolute(file, relativeTo: FileManager.default.currentDirectoryPath)
        return (absolute as NSString).deletingLastPathComponent
    }

    /// The file the GitHub token is read from, or `nil` when none is configured.
    ///
    /// An absolute `github_token_file` is used as is. A relative one is looked up in
    /// `$CREDENTIALS_DIRECTORY` (systemd's `LoadCredential=`) first, then beside the config.
    /// The token is read only when needed so it never sits in the configuration value.
    public func githubTokenPath(environment: [String: String]) -> String? {
        guard let name = http.githubTokenFile else { return nil }
        if name.hasPrefix("/") { return name }
        if let credentials = environment["CREDENTIALS_DIRECTORY"], !credentials.isEmpty {
            let candidate = (credentials as NSString).appendingPathComponent(name)
            if FileManager.default.isReadableFile(atPath: candidate) { return candidate }
        }
        return ConfigLoader.absolute(name, relativeTo: directory)
    }

    /// Reads the GitHub token (surrounding whitespace removed), or `nil` when none is configured.
    public func readGitHubToken(environment: [String: String]) throws(ConfigError) -> String? {
        guard let path = githubTokenPath(environment: environment) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(
                .missingFile, file: file, keyPath: "http.github_token_file", "cannot read the token file \(path)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: { $0.isNewline || $0 == " " }) else {
            throw ConfigError(
                .invalidValue, file: file, keyPath: "http.github_token_file",
                "the token file \(path) must hold one token on one line")
        }
        return token
    }
}
