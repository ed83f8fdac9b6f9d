import Foundation

/// openssl/release-metadata `secjson/CVE-*.json`: one CVE JSON 5.x record.
///
/// Read: `cveMetadata.cveId`, `.state`, `.datePublished` (else `containers.cna.datePublic`),
/// `containers.cna.title`, the `other` metric whose text is the OpenSSL severity, and
/// `containers.cna.affected[].versions[]` entries with `status: "affected"` and `versionType`
/// `semver` or `custom` (others, such as `git`, are skipped). `version` and `lessThan` /
/// `lessThanOrEqual` must be OpenSSL versions: the record is the authority for affected
/// ranges, so an unreadable one fails the document instead of shrinking a range silently.
/// Only products named `OpenSSL` (or unnamed) count; a FIPS provider entry is someone else's range.
/// A field of the wrong JSON type is a `FeedError`; a `REJECTED` record yields nothing.
struct CVERecordParser: FeedParser {
    var limits = FeedLimits.standard

    public func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent {
        let text = try FeedBody(body, contentType: contentType, mediaTypes: .json, feed: feed, limits: limits).text
        try FeedBody.refuseControlCharacters(in: text, feed: feed)
        let record: Record
        do {
            record = try JSONDecoder().decode(Record.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            switch error {
            case .dataCorrupted(let context) where context.codingPath.isEmpty:
                throw FeedError(.malformed, feed: feed, "not valid JSON")
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                throw FeedError(
                    .unexpectedShape, feed: feed,
                    "not a CVE record: \(Self.path(context.codingPath)) has the wrong type")
            case .keyNotFound(let key, let context):
                throw FeedError(
                    .unexpectedShape, feed: feed,
                    "not a CVE record: \(Self.path(context.codingPath + [key])) is missing")
            @unknown default:
                throw FeedError(.malformed, feed: feed, "not a CVE record")
            }
        } catch {
            throw FeedError(.malformed, feed: feed, "not valid JSON")
        }
        let metadata = record.cveMetadata
        guard metadata.cveId.utf8.count <= 64, Advisory.isCVEIdentifier(metadata.cveId) else {
            throw FeedError(
                .unexpectedShape, feed: feed, "cveMetadata.cveId \(FeedBody.printable(metadata.cveId)) is not a CVE id")
        }
        guard metadata.state.uppercased() == "PUBLISHED" else { return FeedContent() }
        guard let cna = record.containers.cna else {
            throw FeedError(.unexpectedShape, feed: feed, "\(metadata.cveId) has no containers.cna")
        }
        let title = cna.title ?? ""
        guard title.utf8.count <= limits.maxTextBytes else {
            throw FeedError(
                .tooLarge, feed: feed, "\(metadata.cveId): title is longer than \(limits.maxTextBytes) bytes")
        }
        var ranges: [AffectedRange] = []
        for product in cna.affected ?? [] where (product.product ?? "OpenSSL").lowercased() == "openssl" {
            for entry in product.versions ?? [] {
                guard entry.status == "affected", ["semver", "custom"].contains(entry.versionType ?? "semver") else {
                    continue
                }
                guard ranges.count < limits.maxEntries else {
                    throw FeedError(.tooLarge, feed: feed, "\(metadata.cveId): more than \(limits.maxEntries) ranges")
                }
                ranges.append(try range(entry, cve: metadata.cveId, feed: feed))
            }
        }
        let severity = (cna.metrics ?? []).lazy.compactMap { metric -> Severity? in
            guard let text = metric.other?.content?.text else { return nil }
            return Severity.allCases.first { $0.rawValue.lowercased() == text.lowercased() }
        }.first
        let published = (metadata.datePublished ?? cna.datePublic).flatMap(Self.date)
        let advisory = Advisory(
            cve: metadata.cveId, title: title, severity: severity, published: published, fixedIn: [:],
            affected: ranges, sources: [feed])
        return FeedContent(advisories: [advisory])
    }

    private func range(_ entry: Record.Version, cve: String, feed: String) throws(FeedError) -> AffectedRange {
        func version(_ text: String, _ field: String) throws(FeedError) -> OpenSSLVersion {
            guard let version = OpenSSLVersion.parse(bare: text) else {
                throw FeedError(
                    .unexpectedShape, feed: feed,
                    "\(cve): \(field) \(FeedBody.printable(text)) is not an OpenSSL version")
            }
            return version
        }
        let introduced = try version(entry.version, "version")
        if let lessThan = entry.lessThan, lessThan != "*" {
            let fixed = try version(lessThan, "lessThan")
            guard fixed > introduced else {
                throw FeedError(.unexpectedShape, feed: feed, "\(cve): range \(introduced) < \(fixed) is empty")
            }
            return AffectedRange(introduced: introduced, fixed: fixed)
        }
        if let lessThanOrEqual = entry.lessThanOrEqual, lessThanOrEqual != "*" {
            let last = try version(lessThanOrEqual, "lessThanOrEqual")
            guard last >= introduced else {
                throw FeedError(.unexpectedShape, feed: feed, "\(cve): range \(introduced) <= \(last) is empty")
            }
            return AffectedRange(introduced: introduced, fixed: nil, lastAffected: last)
        }
        if entry.lessThan == "*" || entry.lessThanOrEqual == "*" {
            return AffectedRange(introduced: introduced, fixed: nil)
        }
        return AffectedRange(introduced: introduced, fixed: nil, lastAffected: introduced)
    }

    static func date(_ text: String) -> Date? {
        guard text.utf8.count <= 64 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        let text = keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        return FeedBody.printable(text.hasPrefix(".") ? String(text.dropFirst()) : text)
    }
}

/// The part of a CVE JSON 5.x record osslwatch reads; everything else is ignored.
private struct Record: Decodable {
    struct Metadata: Decodable {
        let cveId: String
        let state: String
        let datePublished: String?
    }

    struct Containers: Decodable {
        let cna: CNA?
    }

    struct CNA: Decodable {
        let title: String?
        let datePublic: String?
        let affected: [Product]?
        let metrics: [Metric]?
    }

    struct Product: Decodable {
        let product: String?
        let versions: [Version]?
    }

    struct Version: Decodable {
        let version: String
        let status: String
        let versionType: String?
        let lessThan: String?
        let lessThanOrEqual: String?
    }

    struct Metric: Decodable {
        struct Other: Decodable {
            struct Content: Decodable {
                let text: String?
            }
            let content: Content?
        }
        let other: Other?
    }

    let cveMetadata: Metadata
    let containers: Containers
}
