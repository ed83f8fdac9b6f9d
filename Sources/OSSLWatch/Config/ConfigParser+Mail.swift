import Foundation
import OSSLWatchCore
import Yams

/// The `mail:` section and a project's `announce:` block.
extension ConfigParser {
    static let mailKeys = [
        "from", "to", "cc", "security_to", "maintainers", "review", "templates", "domain", "signature", "notices",
        "smtp", "retry",
    ]
    static let mailNoticeKeys = ["approval"]
    static let smtpKeys = [
        "url", "user", "password_file", "ca_file", "require_starttls", "connect_timeout", "timeout", "envelope_from",
    ]
    static let mailRetryKeys = ["initial", "max", "attempts"]
    static let announceKeys = ["display_name", "package_url", "changelog_url", "changelog_file", "to", "cc"]

    func mail(_ node: ConfigNode) throws(ConfigError) -> MailSettings {
        let section = try node.mapping(keys: Self.mailKeys)
        let from = try mailAddress(try section.required("from"))
        let to = try addressList(try section.required("to"))
        guard !to.isEmpty else { throw node.error(.invalidValue, "mail.to needs at least one address") }
        let templates =
            try section["templates"].map(path) ?? (directory as NSString).appendingPathComponent("templates")
        if options.checkFiles {
            let at = section["templates"] ?? node
            guard Self.isDirectory(templates) else {
                throw at.error(.missingFile, "template directory \(templates) does not exist")
            }
            // A misspelt variable or a syntax error shows now, not in a run's announce step.
            do {
                try TemplateSet(directory: templates).validate(project: nil)
            } catch {
                throw at.error(.invalidValue, "\(error)")
            }
        }
        let domain =
            try section["domain"].map(self.domain)
            ?? String(Self.addrSpec(of: from).split(separator: "@").last ?? "localhost")
        let smtp = try smtp(try section.required("smtp"))
        var settings = MailSettings(
            from: from, to: to, templates: templates, domain: domain, smtp: smtp)
        if let value = section["cc"] { settings.cc = try addressList(value) }
        if let value = section["security_to"] { settings.securityTo = try addressList(value) }
        if let value = section["maintainers"] { settings.maintainers = try addressList(value) }
        if let value = section["review"] { settings.review = try mailAddress(value) }
        if let value = section["signature"] {
            let text = try value.string()
            guard !text.contains("\0"), text.utf8.count <= 2000 else {
                throw value.error(.invalidValue, "must be text of at most 2000 bytes")
            }
            settings.signature = text
        }
        if let value = section["notices"] {
            let notices = try value.mapping(keys: Self.mailNoticeKeys)
            if let approval = notices["approval"] { settings.noticesNeedApproval = try approval.bool() }
        }
        if let value = section["retry"] { settings.retry = try mailRetry(value) }
        return settings
    }

    func smtp(_ node: ConfigNode) throws(ConfigError) -> MailSettings.SMTP {
        let section = try node.mapping(keys: Self.smtpKeys)
        let urlNode = try section.required("url")
        let text = try urlNode.nonEmptyString()
        let (components, scheme, host) = try Self.urlParts(
            text, at: urlNode, schemes: ["smtp", "smtps"], invalid: "is not an smtp:// or smtps:// URL",
            userInfo: "use smtp.user and smtp.password_file")
        guard components.path.isEmpty || components.path == "/", components.query == nil else {
            throw urlNode.error(.invalidURL, "must be scheme, host and port only, like smtp://mail.example.org:587")
        }
        var smtp = MailSettings.SMTP(url: text)
        if let value = section["user"] { smtp.user = try value.nonEmptyString() }
        if let value = section["password_file"] { smtp.passwordFile = try path(value) }
        if smtp.passwordFile != nil, smtp.user == nil {
            throw node.error(.missingKey, "password_file needs user (the AUTH name)")
        }
        if let value = section["ca_file"] { smtp.caFile = try readableFile(value) }
        if let value = section["require_starttls"] { smtp.requireSTARTTLS = try value.bool() }
        if !smtp.requireSTARTTLS, scheme == "smtp", smtp.user != nil, !Self.isLoopback(host) {
            throw (section["require_starttls"] ?? node).error(
                .invalidValue, "false would send the SMTP password in clear text to \(host); use smtps:// or STARTTLS")
        }
        try section.timeouts(connect: &smtp.connectTimeout, total: &smtp.timeout)
        if let value = section["envelope_from"] { smtp.envelopeFrom = Self.addrSpec(of: try mailAddress(value)) }
        return smtp
    }

    func mailRetry(_ node: ConfigNode) throws(ConfigError) -> MailSettings.Retry {
        let section = try node.mapping(keys: Self.mailRetryKeys)
        var retry = MailSettings.Retry()
        if let value = section["initial"] { retry.initial = try value.duration(in: 1...86_400) }
        if let value = section["max"] { retry.maximum = try value.duration(in: 1...Self.week) }
        guard retry.maximum >= retry.initial else {
            throw (section["max"] ?? node).error(.invalidValue, "must be at least mail.retry.initial")
        }
        if let value = section["attempts"] { retry.attempts = try value.int(in: 1...50) }
        return retry
    }

    /// A project's `announce:` block.
    func announce(_ node: ConfigNode) throws(ConfigError) -> AnnounceSettings {
        let section = try node.mapping(keys: Self.announceKeys)
        var settings = AnnounceSettings()
        if let value = section["display_name"] {
            let text = try value.nonEmptyString()
            guard !text.contains(where: \.isNewline), text.utf8.count <= 100 else {
                throw value.error(.invalidValue, "must be one line of at most 100 bytes")
            }
            settings.displayName = text
        }
        if let value = section["package_url"] { settings.packageURL = try pageURL(value) }
        if let value = section["changelog_url"] { settings.changelogURL = try pageURL(value) }
        if let value = section["changelog_file"] { settings.changelogFile = try readableFile(value) }
        if let value = section["to"] {
            let list = try addressList(value)
            guard !list.isEmpty else { throw value.error(.invalidValue, "needs at least one address") }
            settings.to = list
        }
        if let value = section["cc"] { settings.cc = try addressList(value) }
        return settings
    }

    /// With `mail:`, a project whose checklist announces must say where the release is
    /// published and where its changelog is: the announcement links both, and a message to a
    /// public list must not go out with an empty link.
    func checkAnnouncements(_ configuration: Configuration) throws(ConfigError) {
        guard configuration.mail != nil else { return }
        for (index, project) in configuration.projects.enumerated()
        where project.steps.map(\.kind).contains(.announce) {
            let missing = [
                project.announce?.packageURL == nil ? "package_url" : nil,
                project.announce?.changelogURL == nil ? "changelog_url" : nil,
            ].compactMap { $0 }
            guard missing.isEmpty else {
                throw ConfigError(
                    .missingKey, file: file, keyPath: "projects[\(index)].announce",
                    "the announce step needs \(missing.joined(separator: " and ")) here: the announcement links them")
            }
        }
    }

    // MARK: - Values

    /// One address or a list of them.
    func addressList(_ node: ConfigNode) throws(ConfigError) -> [String] {
        if case .sequence = node.node {
            return try node.sequence().map { item throws(ConfigError) in try mailAddress(item) }
        }
        return [try mailAddress(node)]
    }

    /// `user@host` or `Display Name <user@host>`, checked as the renderer will read it.
    func mailAddress(_ node: ConfigNode) throws(ConfigError) -> String {
        let text = try node.nonEmptyString().trimmingCharacters(in: .whitespaces)
        do {
            _ = try MailAddress(parsing: text)
        } catch {
            throw node.error(.invalidValue, error.message)
        }
        return text
    }

    /// The bare `user@host` of an address the parser accepted.
    static func addrSpec(of address: String) -> String {
        (try? MailAddress(parsing: address).addrSpec) ?? address
    }

    /// A host name for Message-IDs: letters, digits, dots and hyphens.
    func domain(_ node: ConfigNode) throws(ConfigError) -> String {
        let text = try node.nonEmptyString()
        guard Self.isASCIIWord(text, others: ".-"), text.utf8.count <= 253, !text.hasPrefix("."), !text.hasSuffix("."),
            !text.contains("..")
        else {
            throw node.error(.invalidValue, "\(text.debugDescription) is not a host name like osslwatch.example.org")
        }
        return text
    }

    /// An https page a message links to.
    func pageURL(_ node: ConfigNode) throws(ConfigError) -> String {
        let text = try node.nonEmptyString()
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "https",
            components.host?.isEmpty == false, !text.contains(where: { $0.isWhitespace })
        else {
            throw node.error(.invalidURL, "\(text.debugDescription) is not an https URL")
        }
        return text
    }
}
