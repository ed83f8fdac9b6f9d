extension ConfigParser {
    /// The `advisories:` section.
    func advisories(_ node: ConfigNode) throws(ConfigError) -> AdvisorySettings {
        _ = try node.mapping(keys: [])
        return AdvisorySettings()
    }
}
