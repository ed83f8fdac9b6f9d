/// Where the optional GitHub token may go: the REST API host over https, nothing else.
public enum GitHubToken {
    /// True only for `https://api.github.com` on the default port. Checked on every
    /// redirect hop, so a redirect to another host never carries the token.
    public static func shouldSendToken(to url: String) -> Bool {
        guard let parsed = HTTPURL(url) else { return false }
        return parsed.scheme == "https" && parsed.host == "api.github.com" && (parsed.port ?? 443) == 443
    }
}
