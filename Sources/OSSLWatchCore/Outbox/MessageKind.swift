/// The kinds of mail osslwatch drafts; each has its own template file `<rawValue>.mustache`.
public enum MessageKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The release announcement for the project's mailing lists.
    case announcement
    /// The announcement of a release whose OpenSSL update fixes CVEs (also goes to oss-security).
    case securityAnnouncement = "security-announcement"
    /// A note to the maintainers about something that does not start a release by itself
    /// (new series, end of life, urgent advisory, expected release).
    case notice
}
