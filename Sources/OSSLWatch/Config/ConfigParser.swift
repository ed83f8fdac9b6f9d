import Foundation
import OSSLWatchCore
import OSSLWatchTransport

/// Walks the composed YAML of one config file and builds a `Configuration`, failing on the
/// first problem with its key path.
struct ConfigParser {
    let file: String
    /// The config file's directory: relative paths resolve against it.
    let directory: String
    let environment: [String: String]
    let options: ConfigLoader.Options

    static let topKeys = [
        "state_directory", "http", "backoff", "confirmation", "feeds", "projects", "daemon", "advisories", "mail",
    ]
    static let daemonKeys = ["stop_timeout", "jitter", "metrics_file"]
    static let httpKeys = [
        "connect_timeout", "timeout", "max_body_bytes", "max_redirects", "ca_file", "allow_http_loopback",
        "github_token_file", "max_retry_after",
    ]
    static let backoffKeys = ["initial", "max"]
    static let confirmationKeys = ["min_feeds", "checksum", "tarball_url", "max_tarball_bytes"]
    static let feedKeys = ["name", "kind", "url", "interval", "title_pattern"]
    static let projectKeys = [
        "name", "linked", "prereleases", "eol_warning_days", "steps", "version_file", "next_release", "dry_run",
        "supersede", "announce",
    ]
    static let linkedKeys = ["literal", "pin_file", "binary", "wheel"]
    static let pinFileKeys = ["path", "pattern", "sha256_pattern"]
    static let advisoryKeys = ["urgent", "eol_warning_days", "pre_announcement_fast_poll"]
    static let urgencyKeys = ["severities", "fast_poll_interval", "fast_poll_for", "notify_at_once"]

    static let week = 7 * 86_400.0

    func parse(_ root: ConfigNode, into configuration: inout Configuration) throws(ConfigError) {
        let top = try root.mapping(keys: Self.topKeys)
        configuration.stateDirectory = try stateDirectory(top["state_directory"])
        if let node = top["http"] { configuration.http = try http(node) }
        if let node = top["backoff"] { configuration.backoff = try backoff(node) }
        if let node = top["confirmation"] {
            configuration.confirmation = try confirmation(node, allowLoopback: configuration.http.allowHTTPLoopback)
        }
        configuration.feeds = try feeds(try top.required("feeds"), allowLoopback: configuration.http.allowHTTPLoopback)
        if let node = top["advisories"] { configuration.advisories = try advisories(node) }
        configuration.projects = try projects(
            try top.required("projects"), eolWarningDays: configuration.advisories.eolWarningDays)
        if let node = top["daemon"] { configuration.daemon = try daemon(node) }
        if let node = top["mail"] { configuration.mail = try mail(node) }
        try checkAnnouncements(configuration)
        if !configuration.confirmation.checksum, configuration.confirmation.minFeeds > configuration.feeds.count {
            throw ConfigError(
                .invalidValue, file: file, keyPath: "confirmation.min_feeds",
                "\(configuration.confirmation.minFeeds) feeds can never agree with only \(configuration.feeds.count) "
                    + "configured and checksum off: no release would ever be confirmed")
        }
    }

    // MARK: - Sections

    func stateDirectory(_ node: ConfigNode?) throws(ConfigError) -> String {
        if let node { return try path(node) }
        if let fromSystemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !fromSystemd.isEmpty {
            return String(fromSystemd)
        }
        return Configuration.fallbackStateDirectory
    }

    func http(_ node: ConfigNode) throws(ConfigError) -> HTTPSettings {
        let section = try node.mapping(keys: Self.httpKeys)
        var settings = HTTPSettings()
        try section.timeouts(connect: &settings.connectTimeout, total: &settings.timeout)
        if let value = section["max_body_bytes"] { settings.maxBodyBytes = try value.int(in: 1024...(64 << 20)) }
        if let value = section["max_redirects"] { settings.maxRedirects = try value.int(in: 0...5) }
        if let value = section["ca_file"] { settings.caFile = try readableFile(value) }
        if let value = section["allow_http_loopback"] { settings.allowHTTPLoopback = try value.bool() }
        if let value = section["max_retry_after"] {
            settings.maxRetryAfter = try value.duration(in: 1...ServerHold.maximumDelay)
        }
        if let value = section["github_token_file"] { settings.githubTokenFile = try path(value) }
        return settings
    }

    func daemon(_ node: ConfigNode) throws(ConfigError) -> DaemonSettings {
        let section = try node.mapping(keys: Self.daemonKeys)
        var settings = DaemonSettings()
        if let value = section["stop_timeout"] { settings.stopTimeout = try value.duration(in: 1...300) }
        if let value = section["jitter"] { settings.jitter = try value.fraction(in: 0...0.5) }
        if let value = section["metrics_file"] { settings.metricsFile = try writableFileLocation(value) }
        return settings
    }

    /// A non-empty path made absolute against the config file's directory.
    func path(_ node: ConfigNode) throws(ConfigError) -> String {
        Configuration.absolute(try node.nonEmptyString(), relativeTo: directory)
    }

    /// A path whose directory exists, made absolute: the file itself is created by the daemon.
    func writableFileLocation(_ node: ConfigNode) throws(ConfigError) -> String {
        let path = try self.path(node)
        guard options.checkFiles else { return path }
        let parent = (path as NSString).deletingLastPathComponent
        guard Self.isDirectory(parent) else {
            throw node.error(.missingFile, "directory \(parent) does not exist")
        }
        return path
    }

    func backoff(_ node: ConfigNode) throws(ConfigError) -> BackoffSettings {
        let section = try node.mapping(keys: Self.backoffKeys)
        var settings = BackoffSettings()
        if let value = section["initial"] { settings.initial = try value.duration(in: 1...86_400) }
        if let value = section["max"] { settings.maximum = try value.duration(in: 1...FeedSchedule.longestBackoff) }
        guard settings.maximum >= settings.initial else {
            throw ConfigError(.invalidValue, file: file, keyPath: "backoff.max", "must be at least backoff.initial")
        }
        return settings
    }

    func confirmation(_ node: ConfigNode, allowLoopback: Bool) throws(ConfigError) -> ConfirmationSettings {
        let section = try node.mapping(keys: Self.confirmationKeys)
        var settings = ConfirmationSettings()
        if let value = section["min_feeds"] { settings.minFeeds = try value.int(in: 1...10) }
        if let value = section["checksum"] { settings.checksum = try value.bool() }
        if let value = section["tarball_url"] {
            settings.tarballURL = try tarballTemplate(value, allowLoopback: allowLoopback, tagAlone: false)
        }
        if let value = section["max_tarball_bytes"] { settings.maxTarballBytes = try value.int(in: 1024...(1 << 30)) }
        return settings
    }

    func feeds(_ node: ConfigNode, allowLoopback: Bool) throws(ConfigError) -> [FeedSettings] {
        let items = try node.sequence()
        guard !items.isEmpty else { throw node.error(.invalidValue, "at least one feed is required") }
        var seen: [String: String] = [:]
        var result: [FeedSettings] = []
        for item in items {
            let fields = try item.mapping(keys: Self.feedKeys)
            let name = try uniqueName(fields, of: item, what: "feed", seen: &seen)
            let kind = try fields.required("kind").choice(FeedKind.self, what: "feed kind")
            let urlNode = try fields.required("url")
            let components = try url(
                try Self.sampleExpansion(try urlNode.nonEmptyString(), kind: kind, at: urlNode), at: urlNode,
                allowLoopback: allowLoopback)
            let minimum = Self.isLoopback(components.host) ? 1.0 : 30.0
            let interval = try fields["interval"]?.duration(in: minimum...Self.week) ?? 300
            var feed = FeedSettings(name: name, kind: kind, url: try urlNode.string(), interval: interval)
            try advisoryFeed(fields, into: &feed, urlNode: urlNode)
            result.append(feed)
        }
        return result
    }

    /// - Parameter eolWarningDays: the default for projects without their own (`advisories.eol_warning_days`).
    func projects(_ node: ConfigNode, eolWarningDays: Int = 90) throws(ConfigError) -> [ProjectSettings] {
        let items = try node.sequence()
        guard !items.isEmpty else { throw node.error(.invalidValue, "at least one project is required") }
        var seen: [String: String] = [:]
        var result: [ProjectSettings] = []
        for item in items {
            let fields = try item.mapping(keys: Self.projectKeys)
            let name = try uniqueName(fields, of: item, what: "project", seen: &seen)
            let linked = try linked(try fields.required("linked"))
            var project = ProjectSettings(name: name, linked: linked, eolWarningDays: eolWarningDays)
            if let value = fields["prereleases"] { project.prereleases = try value.bool() }
            if let value = fields["eol_warning_days"] { project.eolWarningDays = try value.int(in: 0...3650) }
            try pipeline(fields, into: &project)
            if let value = fields["announce"] { project.announce = try announce(value) }
            result.append(project)
        }
        return result
    }

    func linked(_ node: ConfigNode) throws(ConfigError) -> LinkedSource {
        let section = try node.mapping(keys: Self.linkedKeys)
        let present = Self.linkedKeys.filter { section.values[$0] != nil }
        guard !present.isEmpty else {
            throw node.error(.missingKey, "needs exactly one of literal, pin_file, binary, wheel")
        }
        guard present.count == 1, let key = present.first, let value = section[key] else {
            throw node.error(.invalidValue, "needs exactly one source, found \(present.joined(separator: " and "))")
        }
        switch key {
        case "literal":
            let text = try value.nonEmptyString()
            guard let version = OpenSSLVersion(text) else {
                throw value.error(.invalidValue, "\(text.debugDescription) is not an OpenSSL version such as 3.5.4")
            }
            return .literal(version)
        case "binary":
            return .binary(path: try readableFile(value))
        case "wheel":
            return .wheel(path: try readableFile(value))
        default:
            let pin = try value.mapping(keys: Self.pinFileKeys)
            let path = try readableFile(try pin.required("path"))
            let pattern = try regex(try pin.required("pattern"), group: "version")
            let sha256Pattern = try pin["sha256_pattern"].map { node throws(ConfigError) in
                try regex(node, group: "sha256")
            }
            return .pinFile(path: path, pattern: pattern, sha256Pattern: sha256Pattern)
        }
    }

    func advisories(_ node: ConfigNode) throws(ConfigError) -> AdvisorySettings {
        let section = try node.mapping(keys: Self.advisoryKeys)
        var settings = AdvisorySettings()
        if let value = section["urgent"] { settings.urgent = try urgency(value) }
        if let value = section["eol_warning_days"] { settings.eolWarningDays = try value.int(in: 0...3650) }
        if let value = section["pre_announcement_fast_poll"] { settings.preAnnouncementFastPoll = try value.bool() }
        return settings
    }

    /// `advisories.urgent`: which severities are urgent and what that changes.
    func urgency(_ node: ConfigNode) throws(ConfigError) -> AdvisorySettings.Urgency {
        let section = try node.mapping(keys: Self.urgencyKeys)
        var urgency = AdvisorySettings.Urgency()
        if let value = section["severities"] {
            urgency.severities = Set(
                try value.sequence().map { item throws(ConfigError) in
                    let text = try item.nonEmptyString()
                    guard
                        let severity = Severity.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() })
                    else {
                        let names = Severity.allCases.map(\.rawValue).joined(separator: ", ")
                        throw item.error(.invalidValue, "unknown severity \"\(text)\"; one of: \(names)")
                    }
                    return severity
                })
        }
        if let value = section["fast_poll_interval"] { urgency.fastPollInterval = try value.duration(in: 5...3600) }
        if let value = section["fast_poll_for"] { urgency.fastPollFor = try value.duration(in: 60...(30 * 86_400)) }
        if let value = section["notify_at_once"] { urgency.notifyAtOnce = try value.bool() }
        return urgency
    }

    /// The longest `title_pattern` accepted; a subject pattern needs no more.
    static let maxTitlePatternLength = 1024

    /// The URL with its placeholder filled with a sample value, so the usual URL checks apply
    /// to every URL the template can become. A placeholder the kind does not fill, or any other
    /// `{…}`, is refused here with a message naming the placeholders allowed.
    static func sampleExpansion(_ text: String, kind: FeedKind, at node: ConfigNode) throws(ConfigError) -> String {
        var expanded = text
        if let placeholder = kind.urlPlaceholder,
            let sample = ["{date}": "20250930", "{cve}": "CVE-2025-9230"][placeholder]
        {
            expanded = text.replacingOccurrences(of: placeholder, with: sample)
        }
        if expanded.contains("{") || expanded.contains("}") {
            let allowed =
                kind.urlPlaceholder.map { "only \($0) is filled in for kind \(kind.rawValue)" }
                ?? "kind \(kind.rawValue) fills in no placeholder"
            throw node.error(.invalidURL, "\(text.debugDescription) holds a {…} placeholder; \(allowed)")
        }
        return expanded
    }

    /// The keys only some feed kinds read: `title_pattern` (announce-list).
    func advisoryFeed(_ fields: ConfigNode.Mapping, into feed: inout FeedSettings, urlNode: ConfigNode)
        throws(ConfigError)
    {
        guard let node = fields["title_pattern"] else { return }
        guard feed.kind == .announceList else {
            throw node.error(.unknownKey, "title_pattern is read only for kind announce-list")
        }
        let pattern = try node.nonEmptyString()
        guard pattern.utf8.count <= Self.maxTitlePatternLength else {
            throw node.error(.invalidRegex, "longer than \(Self.maxTitlePatternLength) bytes")
        }
        guard AnnounceListParser.isValidPattern(pattern) else {
            throw node.error(.invalidRegex, "\(pattern.debugDescription) is not a valid regular expression")
        }
        feed.titlePattern = pattern
    }

    // MARK: - Values

    /// The `name` of a list item (`slug`), used by no earlier item of the list: `seen` holds
    /// the names so far with the paths of their items.
    func uniqueName(_ fields: ConfigNode.Mapping, of item: ConfigNode, what: String, seen: inout [String: String])
        throws(ConfigError) -> String
    {
        let nameNode = try fields.required("name")
        let name = try slug(nameNode)
        if let earlier = seen[name] {
            throw nameNode.error(.duplicateName, "\(what) name \"\(name)\" is already used by \(earlier)")
        }
        seen[name] = item.path
        return name
    }

    /// A name that is safe in the store, in branch names and in messages.
    func slug(_ node: ConfigNode) throws(ConfigError) -> String {
        let name = try node.string()
        guard let first = name.first, Self.isASCIIWord(String(first), lowercase: true), name.utf8.count <= 64,
            Self.isASCIIWord(name, others: "._-", lowercase: true)
        else {
            throw node.error(
                .invalidValue,
                "\(name.debugDescription) is not a valid name: lower-case letters, digits, '.', '_' and '-', "
                    + "starting with a letter or digit, at most 64 characters")
        }
        return name
    }

    /// Whether `text` is only ASCII letters (lower-case ones when `lowercase`), digits and `others`.
    static func isASCIIWord(_ text: String, others: String = "", lowercase: Bool = false) -> Bool {
        text.allSatisfy { character in
            character.isASCII
                && ((character.isLetter && (!lowercase || character.isLowercase)) || character.isNumber
                    || others.contains(character))
        }
    }

    /// A tarball URL template: it must hold a placeholder, and what it expands to must be a URL
    /// osslwatch fetches. `tagAlone`: whether `{tag}` without `{version}` is enough.
    func tarballTemplate(_ node: ConfigNode, allowLoopback: Bool, tagAlone: Bool) throws(ConfigError) -> String {
        let template = try node.nonEmptyString()
        guard template.contains("{version}") || (tagAlone && template.contains("{tag}")) else {
            throw node.error(
                .invalidValue,
                tagAlone ? "must contain {version} or {tag}" : "must contain {version} (and may contain {tag})")
        }
        let sample = ConfirmationSettings.expand(template, version: "3.5.4", tag: "openssl-3.5.4")
        _ = try url(sample, at: node, allowLoopback: allowLoopback)
        return template
    }

    /// A URL osslwatch is willing to fetch: https, or http to loopback when the config allows it; no user info.
    func url(_ text: String, at node: ConfigNode, allowLoopback: Bool) throws(ConfigError) -> URLComponents {
        let (components, scheme, host) = try Self.urlParts(
            text, at: node, invalid: "is not a valid absolute URL", userInfo: "secrets belong in files")
        switch scheme {
        case "https":
            return components
        case "http" where Self.isLoopback(host):
            guard allowLoopback else {
                throw node.error(
                    .invalidURL, "http is allowed only to loopback and only with http.allow_http_loopback: true")
            }
            return components
        default:
            throw node.error(
                .invalidURL,
                "scheme \"\(scheme)\" is not allowed; use https (http only to loopback with http.allow_http_loopback)")
        }
    }

    /// The parts of a URL with a scheme (one of `schemes` when given) and a host and without user
    /// info; `invalid` and `userInfo` end the messages when it is no such URL or holds user info.
    static func urlParts(
        _ text: String, at node: ConfigNode, schemes: Set<String>? = nil, invalid: String, userInfo: String
    ) throws(ConfigError) -> (components: URLComponents, scheme: String, host: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            schemes?.contains(scheme) ?? true
        else {
            throw node.error(.invalidURL, "\(text.debugDescription) \(invalid)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw node.error(.invalidURL, "\(text.debugDescription) has no host")
        }
        guard components.user == nil, components.password == nil else {
            throw node.error(.invalidURL, "must not contain user info; \(userInfo)")
        }
        return (components, scheme, host)
    }

    static func isLoopback(_ host: String?) -> Bool {
        guard var host = host?.lowercased() else { return false }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// A path to an existing, readable regular file, made absolute.
    func readableFile(_ node: ConfigNode) throws(ConfigError) -> String {
        let path = try self.path(node)
        guard options.checkFiles else { return path }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw node.error(.missingFile, "\(path) does not exist")
        }
        guard !isDirectory.boolValue else { throw node.error(.missingFile, "\(path) is a directory, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw node.error(.missingFile, "\(path) is not readable by this user")
        }
        return path
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// A regular expression that compiles and has the named group the reader extracts.
    func regex(_ node: ConfigNode, group: String) throws(ConfigError) -> String {
        let pattern = try groupPattern(node, group)
        do {
            // The reader's own check is the authority on the dialect it will run the pattern in.
            if group == "sha256" {
                try LinkedVersionReader.validate(sha256Pattern: pattern)
            } else {
                try LinkedVersionReader.validate(pattern: pattern)
            }
        } catch {
            throw node.error(.invalidRegex, error.message)
        }
        return pattern
    }

    /// A non-empty regular expression with the named `group`.
    func groupPattern(_ node: ConfigNode, _ group: String) throws(ConfigError) -> String {
        let pattern = try node.nonEmptyString()
        guard try Regex(pattern: pattern, at: node).contains(captureNamed: group) else {
            throw node.error(.invalidRegex, "regex has no named group \"\(group)\"; write (?<\(group)>...)")
        }
        return pattern
    }
}

extension Regex where Output == AnyRegexOutput {
    /// Compiles a configured pattern, reporting a failure at its key.
    init(pattern: String, at node: ConfigNode) throws(ConfigError) {
        do {
            try self.init(pattern)
        } catch {
            throw node.error(.invalidRegex, "regex does not compile: \(error)")
        }
    }
}
