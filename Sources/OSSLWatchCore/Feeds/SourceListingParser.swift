import Foundation

/// `https://openssl-library.org/source/`: an HTML page linking the current release tarballs
/// `openssl-X.Y.Z.tar.gz` and, beside each, its `.sha256`, `.sha1` and `.asc` files.
///
/// The page is read as a sequence of `href` values, not as a document: the only facts taken
/// from it are file names at the end of links. Links are resolved against `baseURL`; only
/// `https` results (or `http` when the base itself is `http`, for loopback tests) count, so
/// `javascript:` and other schemes are ignored, and a file name that is not exactly
/// `openssl-<version>.tar.gz` with a strict version (no shell-looking suffix) is ignored too.
struct SourceListingParser: FeedParser {
    /// The real page, used when the feed URL is not passed in.
    static let defaultBaseURL = "https://openssl-library.org/source/"

    /// The page the links are relative to; the configured feed URL when it is known.
    var baseURL = SourceListingParser.defaultBaseURL
    var limits = FeedLimits.standard

    private static let assetSuffixes = [".sha256", ".sha1", ".asc"]

    public func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent {
        let text = try FeedBody(body, contentType: contentType, mediaTypes: .html, feed: feed, limits: limits).text
        let base = URL(string: baseURL)
        let allowedSchemes: Set<String> = base?.scheme?.lowercased() == "http" ? ["https", "http"] : ["https"]
        var tarballs: [(name: String, version: OpenSSLVersion, url: String)] = []
        var assets: [String: [Observation.Asset]] = [:]
        for value in Self.hrefValues(in: text, maxLength: limits.maxTextBytes) {
            guard let url = URL(string: value, relativeTo: base)?.absoluteURL,
                let scheme = url.scheme?.lowercased(), allowedSchemes.contains(scheme), url.host?.isEmpty == false,
                url.query == nil, url.fragment == nil
            else { continue }
            let name = url.lastPathComponent
            let absolute = url.absoluteString
            if let version = Self.tarballVersion(name) {
                guard !tarballs.contains(where: { $0.name == name }) else { continue }
                guard tarballs.count < limits.maxEntries else {
                    throw FeedError(.tooLarge, feed: feed, "more than \(limits.maxEntries) tarballs listed")
                }
                tarballs.append((name, version, absolute))
            } else if let suffix = Self.assetSuffixes.first(where: { name.hasSuffix($0) }) {
                let tarball = String(name.dropLast(suffix.count))
                guard Self.tarballVersion(tarball) != nil, assets[tarball, default: []].count < 8,
                    !(assets[tarball]?.contains(where: { $0.name == name }) ?? false)
                else { continue }
                assets[tarball, default: []].append(Observation.Asset(name: name, url: absolute))
            }
        }
        let observations = tarballs.map { tarball in
            Observation(
                feed: feed, version: tarball.version, tag: tarball.name, link: tarball.url,
                assets: [Observation.Asset(name: tarball.name, url: tarball.url)] + (assets[tarball.name] ?? []))
        }
        return FeedContent(observations: observations)
    }

    /// `openssl-3.5.4.tar.gz` → 3.5.4; anything else → nil.
    static func tarballVersion(_ name: String) -> OpenSSLVersion? {
        guard name.hasPrefix("openssl-"), name.hasSuffix(".tar.gz") else { return nil }
        return OpenSSLVersion.parse(bare: String(name.dropFirst("openssl-".count).dropLast(".tar.gz".count)))
    }

    /// Every `href` attribute value in document order, entity references `&amp;` and friends
    /// decoded; values longer than `maxLength` bytes are dropped.
    static func hrefValues(in text: String, maxLength: Int) -> [String] {
        let bytes = Array(text.utf8)
        var values: [String] = []
        var index = 0
        func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
        }
        func skipSpaces() { while index < bytes.count, isSpace(bytes[index]) { index += 1 } }
        while index + 5 < bytes.count {
            defer { index += 1 }
            guard bytes[index] | 0x20 == UInt8(ascii: "h"), bytes[index + 1] | 0x20 == UInt8(ascii: "r"),
                bytes[index + 2] | 0x20 == UInt8(ascii: "e"), bytes[index + 3] | 0x20 == UInt8(ascii: "f"),
                index > 0, isSpace(bytes[index - 1])
            else { continue }
            index += 4
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            skipSpaces()
            guard index < bytes.count else { break }
            let start: Int
            let end: Int
            if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                let quote = bytes[index]
                start = index + 1
                guard let close = bytes[start...].firstIndex(of: quote) else { break }
                end = close
            } else {
                start = index
                var cursor = index
                while cursor < bytes.count, !isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: ">") { cursor += 1 }
                end = cursor
            }
            index = max(end - 1, index)
            guard end - start <= maxLength else { continue }
            let raw = String(decoding: bytes[start..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            values.append(XMLFeedReader.decodingEntities(raw))
        }
        return values
    }
}
