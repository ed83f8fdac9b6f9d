import Foundation

/// `https://api.github.com/repos/openssl/openssl/releases`: a JSON array of release objects,
/// the only feed with GitHub's `draft`/`prerelease` flags and the asset list.
///
/// Shape rules, applied the same way to every entry: the top level must be an array (an
/// object is GitHub's error body, reported with its `message`); an element that is not an
/// object, lacks a string `tag_name` whose value is an OpenSSL release tag, or has any read
/// field (`tag_name`, `name`, `draft`, `prerelease`, `published_at`, `html_url`, `assets`
/// and each asset's `name`, `size`, `browser_download_url`) of the wrong JSON type is
/// skipped as a whole. `null` counts as absent. Drafts are kept with `isDraft` set.
struct GitHubReleasesJSONParser: FeedParser {
    var limits = FeedLimits.standard

    public func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent {
        let text = try FeedBody(body, contentType: contentType, mediaTypes: .json, feed: feed, limits: limits).text
        let data = Data(text.utf8)
        let elements: [LenientRelease]
        do {
            elements = try JSONDecoder().decode([LenientRelease].self, from: data)
        } catch DecodingError.typeMismatch {
            if let apiError = try? JSONDecoder().decode(APIErrorBody.self, from: data) {
                throw FeedError(
                    .unexpectedShape, feed: feed,
                    "GitHub API answered with an error: \(FeedBody.printable(apiError.message))")
            }
            throw FeedError(.unexpectedShape, feed: feed, "expected a JSON array of releases")
        } catch {
            throw FeedError(.malformed, feed: feed, "not valid JSON")
        }
        guard elements.count <= limits.maxEntries else {
            throw FeedError(.tooLarge, feed: feed, "more than \(limits.maxEntries) releases")
        }
        let dates = ISO8601DateFormatter()
        var observations: [Observation] = []
        for case let release? in elements.map(\.release) {
            guard release.tagName.utf8.count <= limits.maxTextBytes,
                let version = OpenSSLVersion.parse(tag: release.tagName)
            else { continue }
            let assets = (release.assets ?? []).compactMap { asset -> Observation.Asset? in
                guard let url = GitHubAtomParser.httpsLink(asset.browserDownloadURL),
                    asset.name.utf8.count <= limits.maxTextBytes
                else { return nil }
                return Observation.Asset(name: asset.name, size: asset.size, url: url)
            }
            observations.append(
                Observation(
                    feed: feed, version: version, tag: version.tag,
                    time: release.publishedAt.flatMap { dates.date(from: $0) },
                    link: release.htmlURL.flatMap(GitHubAtomParser.httpsLink),
                    isPrerelease: (release.prerelease ?? false) || version.isPrerelease,
                    isDraft: release.draft ?? false, assets: assets))
        }
        return FeedContent(observations: observations)
    }
}

/// One array element; `nil` when it does not have the expected shape.
private struct LenientRelease: Decodable {
    let release: RESTRelease?

    init(from decoder: any Decoder) throws {
        release = try? RESTRelease(from: decoder)
    }
}

private struct RESTRelease: Decodable {
    struct Asset: Decodable {
        let name: String
        let size: Int?
        let browserDownloadURL: String

        enum CodingKeys: String, CodingKey {
            case name, size
            case browserDownloadURL = "browser_download_url"
        }
    }

    let tagName: String
    let name: String?
    let draft: Bool?
    let prerelease: Bool?
    let publishedAt: String?
    let htmlURL: String?
    let assets: [Asset]?

    enum CodingKeys: String, CodingKey {
        case tagName = "tag_name"
        case name, draft, prerelease
        case publishedAt = "published_at"
        case htmlURL = "html_url"
        case assets
    }
}

/// What api.github.com sends instead of data: `{"message": "API rate limit exceeded ...", ...}`.
private struct APIErrorBody: Decodable {
    let message: String
}
