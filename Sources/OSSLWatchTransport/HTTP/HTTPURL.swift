import CCurl
import Foundation

/// A URL as libcurl itself parses it, so the policy checks the same scheme and host that
/// the transfer will use (no second parser to disagree with).
package struct HTTPURL: Sendable, Hashable {
    /// Lower-cased scheme.
    let scheme: String
    /// Lower-cased host; IPv6 literals keep their brackets (`[::1]`).
    let host: String
    /// The explicit port, if the URL has one.
    let port: Int?
    /// The full URL without user-info, safe to show in messages.
    package let redacted: String

    package init?(_ string: String) {
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        let flags = UInt32(CURLU_NON_SUPPORT_SCHEME)
        guard curl_url_set(handle, CURLUPART_URL, string, flags) == CURLUE_OK else { return nil }
        guard let scheme = Self.part(handle, CURLUPART_SCHEME) else { return nil }
        self.scheme = scheme.lowercased()
        self.host = (Self.part(handle, CURLUPART_HOST) ?? "").lowercased()
        self.port = Self.part(handle, CURLUPART_PORT).flatMap { Int($0) }
        _ = curl_url_set(handle, CURLUPART_USER, nil, 0)
        _ = curl_url_set(handle, CURLUPART_PASSWORD, nil, 0)
        self.redacted = Self.part(handle, CURLUPART_URL) ?? "\(scheme)://\(host)"
    }

    private static func part(_ handle: OpaquePointer, _ which: CURLUPart) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, which, &value, 0) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }

    /// True for `localhost`, any 127.0.0.0/8 address and `::1`: traffic that never leaves the machine.
    var isLoopback: Bool { Self.isLoopback(host: host) }

    /// The loopback rule for a host name as a URL or a settings value has it (HTTP and SMTP
    /// alike): `localhost`, 127.0.0.0/8, and `::1` with or without brackets.
    static func isLoopback(host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "[::1]" || host == "::1" { return true }
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else { return false }
        return UInt32(bigEndian: address.s_addr) >> 24 == 127
    }

    /// Why the policy refuses this URL, or nil when it may be fetched.
    func refusal(allowHTTPLoopback: Bool) -> String? {
        switch scheme {
        case "https":
            return host.isEmpty ? "has no host" : nil
        case "http":
            if !allowHTTPLoopback { return "uses plain http; only https is allowed" }
            return isLoopback ? nil : "uses plain http to a host that is not loopback"
        default:
            return "uses the scheme \(scheme):, only https is allowed"
        }
    }
}
