public import Foundation
import Synchronization

/// Everything that wakes the daemon's loop, collected between two of its turns.
///
/// Producers (the signal listener thread, timers, a finished poll round) record what happened
/// and ring a bell whose buffer holds one ring, so a burst of events costs the loop one
/// wake-up and nothing is lost: an event recorded while the loop works leaves a ring behind.
public final class DaemonInbox: Sendable {
    /// What arrived since the loop last looked.
    public struct Events: Sendable, Hashable {
        /// SIGUSR1 deliveries: poll every feed and handle requests now.
        public var pollSignals = 0
        /// SIGHUP deliveries: reload the configuration.
        public var reloadSignals = 0
        /// The first SIGTERM or SIGINT.
        public var stopSignal: Int32?
        /// Processes that sent the signals (0 for the kernel or an unknown sender).
        public var senders: Set<pid_t> = []
        /// Poll rounds that finished.
        public var finishedRounds: [DaemonRoundSummary] = []
        /// Pipeline advances that finished.
        public var finishedPipelines = 0

        public init() {}

        var hasSignals: Bool { pollSignals > 0 || reloadSignals > 0 || stopSignal != nil }
    }

    private let events = Mutex(Events())
    private let lastProgress = Mutex<ContinuousClock.Instant?>(nil)
    private let continuation: AsyncStream<Void>.Continuation
    /// One element per batch of events; the buffer holds one, so rings coalesce.
    public let bell: AsyncStream<Void>

    public init() {
        (bell, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Records signals taken by the listener thread: how many of each, and who sent the last.
    public func deliver(poll: Int, reload: Int, stop: Int32?, from sender: pid_t) {
        events.withLock { events in
            events.pollSignals += poll
            events.reloadSignals += reload
            if let stop { events.stopSignal = events.stopSignal ?? stop }
            events.senders.insert(sender)
        }
        ring()
    }

    /// Records a finished poll round.
    public func finished(_ round: DaemonRoundSummary) {
        events.withLock { $0.finishedRounds.append(round) }
        ring()
    }

    /// Records a finished pipeline advance.
    public func pipelineFinished() {
        events.withLock { $0.finishedPipelines += 1 }
        ring()
    }

    /// Records that the poll round in flight made progress (a transfer ended). It does not
    /// wake the loop: the loop reads it when it decides whether to ping the watchdog.
    public func roundProgressed() {
        lastProgress.withLock { $0 = .now }
    }

    /// When the work in flight last made progress; nil before any.
    public var progressedAt: ContinuousClock.Instant? { lastProgress.withLock { $0 } }

    /// Wakes the loop without an event (a timer).
    public func ring() {
        continuation.yield()
    }

    /// Everything recorded so far, leaving the inbox empty.
    public func take() -> Events {
        events.withLock { events in
            let taken = events
            events = Events()
            return taken
        }
    }
}
