/// What a project's announcements say about it: `projects[N].announce`.
///
/// Every field has a default drawn from the project's name, so a project needs the block
/// only to name its package and changelog pages or to send to other lists.
public struct AnnounceSettings: Sendable, Hashable {
    /// The name in subjects and text (`PyCA cryptography`); default: the project's name.
    public var displayName: String?
    /// Where the release is published (`https://pypi.org/project/cryptography/`).
    public var packageURL: String?
    /// The changelog page; the release's anchor (`#v46-0-2`) is appended.
    public var changelogURL: String?
    /// The changelog source (absolute) whose section for the next release gives the bullets.
    public var changelogFile: String?
    /// Replaces `mail.to` for this project's announcements when given.
    public var to: [String]?
    /// Replaces `mail.cc` for this project's announcements when given.
    public var cc: [String]?

    public init(
        displayName: String? = nil, packageURL: String? = nil, changelogURL: String? = nil,
        changelogFile: String? = nil, to: [String]? = nil, cc: [String]? = nil
    ) {
        self.displayName = displayName
        self.packageURL = packageURL
        self.changelogURL = changelogURL
        self.changelogFile = changelogFile
        self.to = to
        self.cc = cc
    }
}
