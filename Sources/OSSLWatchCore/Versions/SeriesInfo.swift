public import Foundation

/// Support facts for one series, as openssl/release-metadata `data.json` publishes them.
public struct SeriesInfo: Sendable, Hashable, Codable {
    public var series: Series
    /// When the series was (or is planned to be) first released.
    public var release: MetadataDate
    /// When security support ends.
    public var eol: MetadataDate
    public var lts: Bool

    public init(series: Series, release: MetadataDate, eol: MetadataDate, lts: Bool) {
        self.series = series
        self.release = release
        self.eol = eol
        self.lts = lts
    }
}

/// A date from `data.json`: `DD Mon YYYY` for past events, `Mon YYYY` for planned ones.
public struct MetadataDate: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    /// `nil` when only the month is known (a planned date).
    public var day: Int?

    public init?(year: Int, month: Int, day: Int? = nil) {
        guard (1970...9999).contains(year), (1...12).contains(month) else { return nil }
        // The calendar refuses `31 Feb 2026` instead of rolling it into March.
        if let day, !DateComponents(year: year, month: month, day: day).isValidDate(in: .utcGregorian) { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `08 Apr 2030` or `Apr 2030`.
    public init?(_ text: String) {
        let words = text.split(separator: " ")
        let monthWord: Substring
        let yearWord: Substring
        var day: Int?
        switch words.count {
        case 3:
            guard words[0].count <= 2, words[0].allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(words[0])
            else { return nil }
            day = value
            monthWord = words[1]
            yearWord = words[2]
        case 2:
            monthWord = words[0]
            yearWord = words[1]
        default:
            return nil
        }
        guard let monthIndex = OpenSSLVersion.months.firstIndex(of: String(monthWord)),
            yearWord.count == 4, yearWord.allSatisfy({ $0.isASCII && $0.isNumber }), let year = Int(yearWord)
        else { return nil }
        self.init(year: year, month: monthIndex + 1, day: day)
    }

    public var description: String {
        let month = OpenSSLVersion.months[self.month - 1]
        if let day { return String(format: "%02d %@ %04d", day, month, year) }
        return "\(month) \(year)"
    }

    /// Midnight UTC of the day; a month-only date counts from the first of the month, so
    /// warnings for a planned end of life start early rather than late.
    public var start: Date {
        Calendar.utcGregorian.date(from: DateComponents(year: year, month: month, day: day ?? 1)) ?? .distantFuture
    }

    public static func < (lhs: MetadataDate, rhs: MetadataDate) -> Bool {
        (lhs.year, lhs.month, lhs.day ?? 0) < (rhs.year, rhs.month, rhs.day ?? 0)
    }
}
