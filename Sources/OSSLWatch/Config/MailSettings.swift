/// Announcement drafts and their delivery: filled in by `ConfigParser+Mail`.
public struct MailSettings: Sendable, Hashable {
    public init() {}
}
