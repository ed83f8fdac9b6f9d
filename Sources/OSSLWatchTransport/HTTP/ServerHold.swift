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
    public var wasClamped: Bool

    public init(until: Date, header: String, wasClamped: Bool = false) {
        self.until = until
        self.header = header
        self.wasClamped = wasClamped
    }

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
