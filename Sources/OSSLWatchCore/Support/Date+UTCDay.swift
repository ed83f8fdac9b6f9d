import Foundation

/// Dates as the day a person reads in reports, notices and announcements.
extension Date {
    /// `2025-09-30`: the calendar day in UTC, whatever the machine's time zone.
    package var utcDay: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: self)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
