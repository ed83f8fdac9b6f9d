package import Foundation

/// Dates as OpenSSL writes them in prose: `30th September 2025`, `Tuesday 30th September 2025`,
/// `30 Sep 2025`. Read into midnight UTC of that day; anything else is not a date.
package enum AdvisoryDate {
    /// `(day)(st|nd|rd|th)? (Month) ,? (year)`, optionally after a weekday; case-insensitive.
    static let pattern =
        #"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+"#
        + #"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|"#
        + #"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?),?\s+(\d{4})\b"#

    /// Midnight UTC of the given day, or `nil` when it is not a calendar date.
    static func date(day: Int, month: Int, year: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), (1990...2200).contains(year) else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: .utcGregorian) else { return nil }
        return Calendar.utcGregorian.date(from: components)
    }

    /// Reads the three captures of `pattern` from `match`.
    static func date(from match: NSTextCheckingResult, in text: NSString, firstGroup: Int = 1) -> Date? {
        let day = Int(text.substring(with: match.range(at: firstGroup)))
        let monthWord = text.substring(with: match.range(at: firstGroup + 1)).lowercased()
        let year = Int(text.substring(with: match.range(at: firstGroup + 2)))
        guard let day, let year,
            let month = OpenSSLVersion.months.firstIndex(where: { $0.lowercased() == monthWord.prefix(3) })
        else { return nil }
        return date(day: day, month: month + 1, year: year)
    }

    /// `YYYYMMDD` as the advisory file names use it: `Date.utcDay` without its dashes.
    package static func compact(_ date: Date) -> String {
        date.utcDay.replacingOccurrences(of: "-", with: "")
    }
}
