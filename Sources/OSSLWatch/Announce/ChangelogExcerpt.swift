import Foundation

/// The entries of one release in a reStructuredText changelog shaped like pyca's:
///
///     .. _v46-0-2:
///
///     46.0.2 - 2025-09-30
///     ~~~~~~~~~~~~~~~~~~~
///
///     * Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL 3.5.4.
///     * An entry that is long enough to be wrapped
///       over two lines.
///
/// The section is found by its anchor (`.. _v46-0-2:`) or by a heading that starts with the
/// version followed by ` - ` or the end of the line; it ends at the next anchor or heading.
/// Each bullet is returned as one line (wrapped lines joined with a space, without `* `).
public struct ChangelogExcerpt: Sendable, Hashable {
    /// The release the section is for (`46.0.2`).
    public let version: String
    /// The section's heading line (`46.0.2 - 2025-09-30`).
    public let heading: String
    public let bullets: [String]

    /// Reads `file` (UTF-8) and extracts the section for `version`.
    public static func read(file: String, version: String) throws(MailError) -> ChangelogExcerpt {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw MailError(.changelog, "cannot read the changelog", file: file)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MailError(.changelog, "the changelog is not UTF-8", file: file)
        }
        return try ChangelogExcerpt(parsing: text, version: version, file: file)
    }

    /// Extracts the section for `version` from changelog text; `file` only names it in errors.
    public init(parsing text: String, version: String, file: String = "changelog") throws(MailError) {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        let anchorLine = ".. _\(AnnouncementContext.anchor(for: version)):"
        let headingIndex = lines.indices.first { index in
            guard Self.isHeading(lines, at: index) else { return false }
            let title = lines[index].trimmingCharacters(in: .whitespaces)
            return title == version || title.hasPrefix(version + " ")
                || Self.anchorBefore(lines, heading: index) == anchorLine
        }
        guard let headingIndex else {
            throw MailError(
                .changelog, "no section for \(version) (anchor `\(anchorLine)` or heading `\(version) - ...`)",
                file: file)
        }
        var bullets: [String] = []
        var current: String?
        for index in (headingIndex + 2)..<lines.count {
            let line = lines[index]
            if Self.isHeading(lines, at: index) || Self.isAnchor(line) { break }
            if line.hasPrefix("* ") || line == "*" || line.hasPrefix("- ") {
                if let current { bullets.append(current) }
                current = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            } else if line.first == " " || line.first == "\t" {
                let part = line.trimmingCharacters(in: .whitespaces)
                if let existing = current, !part.isEmpty {
                    current = existing.isEmpty ? part : existing + " " + part
                }
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                // A paragraph or directive at the left margin ends the bullet it follows.
                if let current { bullets.append(current) }
                current = nil
            }
        }
        if let current { bullets.append(current) }
        self.version = version
        self.heading = lines[headingIndex].trimmingCharacters(in: .whitespaces)
        self.bullets = bullets.filter { !$0.isEmpty }
    }

    /// A non-blank line at the left margin underlined by a run of one RST adornment character
    /// at least as long as its text.
    private static func isHeading(_ lines: [String], at index: Int) -> Bool {
        guard index + 1 < lines.count else { return false }
        let title = lines[index]
        let underline = lines[index + 1].trimmingCharacters(in: .whitespaces)
        guard let first = title.first, first != " ", first != "\t", !isAnchor(title),
            let mark = underline.first, "~=-^\"'`#*+.".contains(mark), underline.count >= 3,
            underline.allSatisfy({ $0 == mark }), underline.count >= title.trimmingCharacters(in: .whitespaces).count
        else { return false }
        return !(title.hasPrefix("* ") || title.hasPrefix("- "))
    }

    private static func isAnchor(_ line: String) -> Bool {
        line.hasPrefix(".. _") && line.hasSuffix(":")
    }

    /// The anchor line directly above a heading, skipping blank lines.
    private static func anchorBefore(_ lines: [String], heading: Int) -> String? {
        var index = heading - 1
        while index >= 0, lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index -= 1 }
        guard index >= 0, isAnchor(lines[index]) else { return nil }
        return lines[index]
    }
}
