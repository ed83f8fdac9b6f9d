package import Foundation

/// Time as the day a person reads in reports, notices and announcements, and as the fractional
/// seconds that logs, reports and libcurl options use.
extension Calendar {
    /// The Gregorian calendar in UTC: OpenSSL's dates and the days osslwatch shows are UTC days,
    /// whatever the machine's time zone.
    package static let utcGregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension Date {
    /// `2025-09-30`: the calendar day in UTC, whatever the machine's time zone.
    package var utcDay: String {
        let parts = Calendar.utcGregorian.dateComponents([.year, .month, .day], from: self)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}

extension Duration {
    package var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
