/// How advisories change what osslwatch does: filled in by `ConfigParser+Advisories`.
public struct AdvisorySettings: Sendable, Hashable {
    public init() {}
}
