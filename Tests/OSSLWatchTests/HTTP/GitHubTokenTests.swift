import OSSLWatch
import OSSLWatchTransport
import Testing

@Suite struct GitHubTokenTests {
    @Test(
        "the token goes to https://api.github.com only",
        arguments: [
            "https://api.github.com/repos/openssl/openssl/releases?per_page=100",
            "https://API.GitHub.com/repos/openssl/openssl/releases",
            "https://api.github.com:443/repos",
        ])
    func sentToAPI(url: String) {
        #expect(GitHubToken.shouldSendToken(to: url))
    }

    @Test(
        "the token never goes to other hosts, look-alikes, other ports or plain http",
        arguments: [
            "https://github.com/openssl/openssl/releases.atom",
            "https://objects.githubusercontent.com/x",
            "https://api.github.com.evil.example/repos",
            "https://evil.example/api.github.com",
            "https://api.github.com@evil.example/",
            "https://evilapi.github.com/",
            "http://api.github.com/repos",
            "https://api.github.com:8443/repos",
            "not a url",
        ])
    func notSent(url: String) {
        #expect(!GitHubToken.shouldSendToken(to: url))
    }
}
