public import Logging
public import OSSLWatchCore
public import OSSLWatchStore

/// The requests the CLI left in the store, read in this one place and split by what answers
/// them: a poll by the next poll round (forced, `PollRound.perform(answering:)`), a run by the
/// next pipeline advance, which marks it handled with the run it created.
public struct PendingRequests: Sendable, Hashable {
    public var polls: [ControlRequest]
    public var runs: [ControlRequest]

    public init(polls: [ControlRequest], runs: [ControlRequest]) {
        self.polls = polls
        self.runs = runs
    }

    /// Every pending request, oldest first, by kind; a store that cannot be read is logged and
    /// yields none: the requests stay in the store for the next read.
    public static func read(from store: Store, logger: Logger) -> PendingRequests {
        let pending: [ControlRequest]
        do {
            pending = try store.pendingRequests()
        } catch {
            logger.error("requests not read", metadata: ["error": "\(error)"])
            return PendingRequests(polls: [], runs: [])
        }
        return PendingRequests(
            polls: pending.filter { $0.kind == .poll }, runs: pending.filter { $0.kind == .run })
    }
}
