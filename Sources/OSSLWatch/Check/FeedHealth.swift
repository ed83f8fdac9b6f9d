import Foundation

/// A feed's stored health as reports show it: the validators are left out, they mean nothing to a reader.
public struct FeedHealth: Sendable, Hashable, Encodable {
    public var name: String
    public var lastAttempt: Date?
    public var lastSuccess: Date?
    public var lastStatus: Int?
    public var errorStreak: Int
    public var lastError: String?
    public var nextPoll: Date?
    /// When the body last changed (the last 200 that was parsed).
    public var lastChanged: Date?

    public init(_ state: FeedState) {
        name = state.name
        lastAttempt = state.lastAttempt
        lastSuccess = state.lastSuccess
        lastStatus = state.lastStatus
        errorStreak = state.errorStreak
        lastError = state.lastError
        nextPoll = state.nextPoll
        lastChanged = state.lastChanged
    }
}
