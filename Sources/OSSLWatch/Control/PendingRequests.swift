public import Logging
public import OSSLWatchCore
public import OSSLWatchStore

/// The requests the CLI left in the store, read in this one place (once per daemon round, and
/// by `status`) and split by what answers them: a poll by the next poll round (forced,
/// `PollRound.perform(answering:)`), a run by the next pipeline advance, handed the requests,
/// which marks each handled with the run it created.
public struct PendingRequests: Sendable, Hashable {
    public var polls: [ControlRequest]
    public var runs: [ControlRequest]

    public init(polls: [ControlRequest], runs: [ControlRequest]) {
        self.polls = polls
        self.runs = runs
    }

    /// Every pending request, oldest first.
    public var all: [ControlRequest] { (polls + runs).sorted { $0.id < $1.id } }

    /// Every pending request, oldest first, by kind.
    public static func read(from store: Store) throws(StoreError) -> PendingRequests {
        let pending = try store.pendingRequests()
        return PendingRequests(
            polls: pending.filter { $0.kind == .poll }, runs: pending.filter { $0.kind == .run })
    }

    /// `read(from:)` for the daemon's loop: a store that cannot be read is logged and yields
    /// none; the requests stay in the store for the next read.
    public static func read(from store: Store, logger: Logger) -> PendingRequests {
        do {
            return try read(from: store)
        } catch {
            logger.error("requests not read", metadata: ["error": "\(error)"])
            return PendingRequests(polls: [], runs: [])
        }
    }
}
