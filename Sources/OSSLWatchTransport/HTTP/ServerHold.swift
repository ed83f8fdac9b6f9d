public import Foundation
import OSSLWatchCore

/// A server's "do not ask again before" time, validated before anything acts on it or stores it.
///
/// `Retry-After` and `X-RateLimit-Reset` come from whatever host a feed or its redirect
/// reaches. Taken as they are, one answer could park a feed for centuries, or hand the store
/// a date it cannot read back. A hold is therefore always in the future and at most `limit`
/// ahead; a value further out is cut to the limit and says so, one in the past is no hold.
public struct ServerHold: Sendable, Hashable, CustomStringConvertible {
    /// The longest a server may hold a feed back (`HTTPSettings.maximumServerHold`).
    public static let maximumDelay: Double = HTTPSettings.maximumServerHold

    /// When the next request may go out; never later than the limit allowed.
    public var until: Date
    /// The header as the server sent it, for the log: `Retry-After: 9999999999`.
    public var header: String
    /// True when the server asked for a later time than the limit and `until` was cut to it.
    public var wasClamped: Bool = false

    /// Validates what a server asked for.
    /// - Parameters:
    ///   - asked: the time the header names; nil for a value too large to represent (still a
    ///     request to wait long, so it is clamped, not dropped).
    ///   - header: the header line as received, shortened for the log.
    ///   - limit: seconds from `now` a hold may reach, at most `maximumDelay`.
    /// - Returns: nil when the asked time is not in the future.
    public static func validated(asked: Date?, header: String, now: Date, limit: Double = maximumDelay)
        -> ServerHold?
    {
        let latest = now.addingTimeInterval(min(max(limit, 0), maximumDelay))
        let shown = header.count > 80 ? String(header.prefix(80)) + "…" : header
        guard let asked else { return ServerHold(until: latest, header: shown, wasClamped: true) }
        guard asked > now else { return nil }
        if asked > latest { return ServerHold(until: latest, header: shown, wasClamped: true) }
        return ServerHold(until: asked, header: shown)
    }

    /// The later of two holds: the server's strictest request, both already within the limit.
    public static func later(_ a: ServerHold?, _ b: ServerHold?) -> ServerHold? {
        guard let a else { return b }
        guard let b else { return a }
        return b.until > a.until ? b : a
    }

    public var description: String {
        let when = until.formatted(.iso8601)
        return wasClamped ? "\(header) (clamped to \(when))" : "\(header) (until \(when))"
    }
}

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
