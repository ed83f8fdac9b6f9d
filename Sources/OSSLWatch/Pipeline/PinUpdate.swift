/// What update-pin left behind: the branch and commit a later `command` step pushes or
/// opens a pull request from.
public struct PinUpdate: Sendable, Hashable, Codable {
    /// `osslwatch/openssl-<version>`.
    public var branch: String
    /// The full commit id on `branch` holding the new pin.
    public var commit: String
    /// `false` when the branch already held exactly this change (a re-run after a crash).
    public var created: Bool

    public init(branch: String, commit: String, created: Bool) {
        self.branch = branch
        self.commit = commit
        self.created = created
    }
}
