extension ConfigParser {
    /// The `mail:` section.
    func mail(_ node: ConfigNode) throws(ConfigError) -> MailSettings {
        _ = try node.mapping(keys: [])
        return MailSettings()
    }
}
