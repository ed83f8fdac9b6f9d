public import Foundation
public import OSSLWatchCore

/// What one poll of one feed did; the check report and the logs are made of these.
public struct FeedPollOutcome: Sendable, Hashable, Codable {
    public enum Result: String, Sendable, Hashable, Codable {
        /// 200: the body was parsed and stored.
        case updated
        /// 304: the stored validators still hold; nothing was parsed.
        case unchanged
        /// The transfer or the body failed; the feed backs off.
        case failed
        /// Not polled: the feed is backing off after errors or was told to wait (`Retry-After`).
        case backingOff = "backing-off"
    }

    public var feed: String
    public var kind: FeedKind
    public var url: String
    public var result: Result
    public var status: Int?
    /// Releases and series the body held (0 for anything but `updated`).
    public var observations: Int
    /// Versions this poll saw for the first time anywhere.
    public var newVersions: [OpenSSLVersion]
    /// The error, for `failed`, or the last error, for `backing-off`.
    public var error: String?
    public var nextPoll: Date?
    public var durationSeconds: Double

    public init(
        feed: String, kind: FeedKind, url: String, result: Result, status: Int? = nil, observations: Int = 0,
        newVersions: [OpenSSLVersion] = [], error: String? = nil, nextPoll: Date? = nil, durationSeconds: Double = 0
    ) {
        self.feed = feed
        self.kind = kind
        self.url = url
        self.result = result
        self.status = status
        self.observations = observations
        self.newVersions = newVersions
        self.error = error
        self.nextPoll = nextPoll
        self.durationSeconds = durationSeconds
    }

    /// True when the feed could not be read in this check, by failure or by an active backoff.
    public var isUnavailable: Bool { result == .failed || result == .backingOff }
}
