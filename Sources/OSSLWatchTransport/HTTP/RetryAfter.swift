public import Foundation

/// Reads the server's "not before" hints from response headers, as validated `ServerHold`s.
public enum RetryAfter {
    /// The earliest time the server allows another request, or nil when it gave none (or
    /// only times in the past). Never more than `limit` seconds (at most a day) ahead.
    ///
    /// Applies to 429, 503 and to a 403 whose `X-RateLimit-Remaining` is 0 (GitHub's way
    /// of saying "rate limited"). `Retry-After` may be delay seconds or an HTTP date;
    /// `X-RateLimit-Reset` is epoch seconds and counts only when the remaining budget is 0.
    /// When both are present the later one wins.
    public static func hold(
        status: Int, headers: [String: String], now: Date, limit: Double = ServerHold.maximumDelay
    ) -> ServerHold? {
        guard status == 429 || status == 503 || (status == 403 && isExhausted(headers)) else { return nil }
        var result: ServerHold?
        if let value = headers["retry-after"] {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            let header = "Retry-After: \(trimmed)"
            if let date = parse(trimmed, now: now) {
                result = ServerHold.validated(asked: date, header: header, now: now, limit: limit)
            } else if isDigits(trimmed) {
                // More digits than a delay can sensibly hold: a request to wait very long.
                result = ServerHold.validated(asked: nil, header: header, now: now, limit: limit)
            }
        }
        return ServerHold.later(result, rateLimitReset(headers: headers, now: now, limit: limit))
    }

    /// The earliest time as `hold(status:headers:now:limit:)`, without the header it came from.
    public static func date(
        status: Int, headers: [String: String], now: Date, limit: Double = ServerHold.maximumDelay
    ) -> Date? {
        hold(status: status, headers: headers, now: now, limit: limit)?.until
    }

    /// GitHub's `X-RateLimit-Reset` when `X-RateLimit-Remaining` is 0, whatever the status
    /// (a 200 can spend the last request of the budget); validated like every hold.
    public static func rateLimitReset(
        headers: [String: String], now: Date, limit: Double = ServerHold.maximumDelay
    ) -> ServerHold? {
        guard isExhausted(headers), let value = headers["x-ratelimit-reset"] else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard isDigits(trimmed) else { return nil }
        let header = "X-RateLimit-Reset: \(trimmed)"
        // Epoch seconds beyond Int, or beyond what a Date holds exactly, are simply "very late".
        let asked = Int(trimmed).flatMap { $0 < 1 << 53 ? Date(timeIntervalSince1970: Double($0)) : nil }
        return ServerHold.validated(asked: asked, header: header, now: now, limit: limit)
    }

    /// Parses a `Retry-After` value: non-negative delay seconds, or an IMF-fixdate
    /// (`Fri, 01 Jan 2100 00:00:00 GMT`). Anything else is ignored (nil). The result is what
    /// the server asked for, not yet validated: `hold` bounds it.
    public static func parse(_ value: String, now: Date) -> Date? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if isDigits(trimmed) {
            guard trimmed.utf8.count <= 10, let seconds = Int(trimmed) else { return nil }
            return now.addingTimeInterval(Double(seconds))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: trimmed)
    }

    private static func isExhausted(_ headers: [String: String]) -> Bool {
        headers["x-ratelimit-remaining"]?.trimmingCharacters(in: .whitespaces) == "0"
    }

    private static func isDigits(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
