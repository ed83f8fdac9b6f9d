import Foundation

/// `https://openssl-library.org/news/secadv/YYYYMMDD.txt`: OpenSSL's security advisory text.
///
/// The text is prose for humans with a few fixed lines this parser relies on: the header
/// `OpenSSL Security Advisory [30th September 2025]`; per CVE a heading ending in
/// `(CVE-2025-9230)` underlined with `=`; `Severity: Moderate`; and
/// `OpenSSL 3.5 users should upgrade to OpenSSL 3.5.4.`, possibly followed by
/// `(premium support customers only)`. Every series and version goes through the strict
/// `Series`/`OpenSSLVersion` grammar; a line of that shape that does not parse fails the
/// document rather than being skipped, since a skipped fix would silently read as "unaffected".
///
/// Real advisories end with a section that is not a CVE ("General Advisory Notes"); a body
/// whose last section is a CVE is taken as truncated and refused.
struct SecurityAdvisoryParser: FeedParser {
    var limits = FeedLimits.standard

    static let mediaTypes = FeedBody.MediaTypes(accepted: ["text/plain"], expected: "a plain-text advisory")
    static let header = "OpenSSL Security Advisory ["
    /// Advisories before 2017 leave out the second "OpenSSL": "users should upgrade to 1.0.2h".
    static let upgradeMarker = " users should upgrade to "
    static let premiumMarker = "(premium support customers only"

    public func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent {
        let text = try FeedBody(body, contentType: contentType, mediaTypes: Self.mediaTypes, feed: feed, limits: limits)
            .text
        try FeedBody.refuseControlCharacters(in: text, feed: feed)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        if let long = lines.firstIndex(where: { $0.utf8.count > limits.maxTextBytes }) {
            throw FeedError(.tooLarge, feed: feed, "line \(long + 1) is longer than \(limits.maxTextBytes) bytes")
        }
        let published = try headerDate(lines, feed: feed)
        var advisories: [Advisory] = []
        var current: Advisory?
        var lastSeries: Series?
        var index = 0
        func finish() {
            guard let done = current else { return }
            if let earlier = advisories.firstIndex(where: { $0.cve == done.cve }) {
                advisories[earlier] = advisories[earlier].merging(done)
            } else {
                advisories.append(done)
            }
            current = nil
        }
        while index < lines.count {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            if index + 1 < lines.count, !line.isEmpty, Self.isUnderline(lines[index + 1]) {
                finish()
                if let (cve, title) = try Self.cveHeading(line, feed: feed) {
                    guard advisories.count < limits.maxEntries else {
                        throw FeedError(.tooLarge, feed: feed, "more than \(limits.maxEntries) CVEs")
                    }
                    current = Advisory(
                        cve: cve, title: title, severity: nil, published: published, fixedIn: [:], sources: [feed])
                    lastSeries = nil
                }
                index += 2
                continue
            }
            index += 1
            guard var advisory = current else { continue }
            if line.hasPrefix("Severity:") {
                let word = line.dropFirst("Severity:".count).trimmingCharacters(in: .whitespaces)
                guard let severity = Severity.allCases.first(where: { $0.rawValue.lowercased() == word.lowercased() })
                else {
                    throw FeedError(
                        .unexpectedShape, feed: feed,
                        "\(advisory.cve) has severity \(FeedBody.printable(word)), not one of Low, Moderate, High, Critical"
                    )
                }
                advisory.severity = severity
            } else if line.hasPrefix("OpenSSL "), line.contains(" users should upgrade") {
                let (series, version, premium) = try Self.upgrade(line, cve: advisory.cve, feed: feed)
                advisory.fixedIn[series] = version
                if premium { advisory.premiumOnly.insert(series) }
                lastSeries = series
            } else if line.hasPrefix(Self.premiumMarker), let series = lastSeries {
                advisory.premiumOnly.insert(series)
            } else if !line.isEmpty {
                lastSeries = nil
            }
            current = advisory
        }
        if let open = current {
            throw FeedError(
                .malformed, feed: feed,
                "the advisory ends inside the \(open.cve) section without its closing notes; it looks truncated")
        }
        guard !advisories.isEmpty else {
            throw FeedError(.unexpectedShape, feed: feed, "the advisory names no CVE")
        }
        return FeedContent(advisories: advisories)
    }

    /// The date of `OpenSSL Security Advisory [30th September 2025]`, the first non-blank line.
    private func headerDate(_ lines: [Substring], feed: String) throws(FeedError) -> Date {
        let first =
            lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?
            .trimmingCharacters(in: .whitespaces) ?? ""
        guard first.hasPrefix(Self.header), first.hasSuffix("]") else {
            throw FeedError(
                .unexpectedShape, feed: feed, "the body does not start with \"OpenSSL Security Advisory [date]\"")
        }
        let inner = String(first.dropFirst(Self.header.count).dropLast())
        let regex = try! NSRegularExpression(pattern: "^" + AdvisoryDate.pattern + "$", options: [.caseInsensitive])
        let ns = inner as NSString
        guard let match = regex.firstMatch(in: inner, range: NSRange(location: 0, length: ns.length)),
            let date = AdvisoryDate.date(from: match, in: ns)
        else {
            throw FeedError(
                .unexpectedShape, feed: feed, "the advisory date \(FeedBody.printable(inner)) is not a date")
        }
        return date
    }

    /// A heading's underline: three or more `=` and nothing else but trailing spaces.
    static func isUnderline(_ line: Substring) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= 3 && trimmed.allSatisfy { $0 == "=" }
    }

    /// `(cve, title)` for a heading ending in `(CVE-…)`; `nil` for other headings. A heading
    /// whose last parenthesis starts with `CVE` but is no CVE id fails the document.
    static func cveHeading(_ line: String, feed: String) throws(FeedError) -> (String, String)? {
        guard line.hasSuffix(")"), let open = line.lastIndex(of: "(") else { return nil }
        let inside = line[line.index(after: open)..<line.index(before: line.endIndex)]
            .trimmingCharacters(in: .whitespaces)
        guard inside.uppercased().hasPrefix("CVE") else { return nil }
        guard Advisory.isCVEIdentifier(inside) else {
            throw FeedError(.unexpectedShape, feed: feed, "heading names \(FeedBody.printable(inside)), not a CVE id")
        }
        let title = line[..<open].trimmingCharacters(in: .whitespaces)
        return (inside, title)
    }

    /// Reads `OpenSSL 3.5 users should upgrade to OpenSSL 3.5.4.` (the final dot optional, an
    /// inline `(premium support customers only)` allowed).
    static func upgrade(_ line: String, cve: String, feed: String) throws(FeedError) -> (Series, OpenSSLVersion, Bool) {
        // The marker is looked for after the prefix only: in "OpenSSL users should upgrade…" it
        // would otherwise start inside the prefix and the series text would be a reversed range.
        guard line.hasPrefix("OpenSSL "),
            let marker = line.range(
                of: upgradeMarker, range: line.index(line.startIndex, offsetBy: "OpenSSL ".count)..<line.endIndex)
        else {
            throw FeedError(
                .unexpectedShape, feed: feed,
                "\(cve): \(FeedBody.printable(line)) is not \"OpenSSL X.Y users should upgrade to OpenSSL X.Y.Z\"")
        }
        let seriesText = String(line[line.index(line.startIndex, offsetBy: "OpenSSL ".count)..<marker.lowerBound])
        var versionText = String(line[marker.upperBound...]).trimmingCharacters(in: .whitespaces)
        if versionText.hasPrefix("OpenSSL ") { versionText.removeFirst("OpenSSL ".count) }
        var premium = false
        if let note = versionText.range(of: premiumMarker) {
            premium = true
            versionText = String(versionText[..<note.lowerBound]).trimmingCharacters(in: .whitespaces)
        }
        if versionText.hasSuffix(".") { versionText.removeLast() }
        guard let series = Series(seriesText), let version = OpenSSLVersion.parse(bare: versionText),
            version.series == series, !version.isPrerelease
        else {
            throw FeedError(
                .unexpectedShape, feed: feed,
                "\(cve): \"users should upgrade\" line names \(FeedBody.printable(seriesText)) and "
                    + "\(FeedBody.printable(versionText)), not an OpenSSL series and a release of it")
        }
        return (series, version, premium)
    }
}
