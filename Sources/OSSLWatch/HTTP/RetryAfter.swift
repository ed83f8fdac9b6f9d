import Foundation

/// Reads the server's "not before" hints from response headers.
public enum RetryAfter {
    /// The earliest time the server allows another request, or nil when it gave none.
    ///
    /// Applies to 429, 503 and to a 403 whose `X-RateLimit-Remaining` is 0 (GitHub's way
    /// of saying "rate limited"). `Retry-After` may be delay seconds or an HTTP date;
    /// `X-RateLimit-Reset` is epoch seconds and counts only when the remaining budget is 0.
    /// When both are present the later one wins.
    public static func date(status: Int, headers: [String: String], now: Date) -> Date? {
        let exhausted = headers["x-ratelimit-remaining"]?.trimmingCharacters(in: .whitespaces) == "0"
        guard status == 429 || status == 503 || (status == 403 && exhausted) else { return nil }
        var candidates: [Date] = []
        if let value = headers["retry-after"], let date = parse(value, now: now) {
            candidates.append(date)
        }
        if exhausted,
            let reset = headers["x-ratelimit-reset"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
            reset >= 0
        {
            candidates.append(Date(timeIntervalSince1970: Double(reset)))
        }
        return candidates.max()
    }

    /// Parses a `Retry-After` value: non-negative delay seconds, or an IMF-fixdate
    /// (`Fri, 01 Jan 2100 00:00:00 GMT`). Anything else is ignored (nil).
    public static func parse(_ value: String, now: Date) -> Date? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard trimmed.utf8.count <= 10, let seconds = Int(trimmed) else { return nil }
            return now.addingTimeInterval(Double(seconds))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: trimmed)
    }
}
