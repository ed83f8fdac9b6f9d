import Logging
import OSSLWatchCore
import ServiceLifecycle
import UnixSignals

/// Hands the daemon's signals to its loop: SIGUSR1 (poll now) and SIGHUP (reload) as events, and
/// SIGTERM or SIGINT by ending, which the service group answers with its graceful shutdown (the
/// service is configured with `.gracefullyShutdownGroup`).
///
/// The handlers come from swift-service-lifecycle's `UnixSignalsSequence` (libdispatch signal
/// sources: nothing of Swift runs in a signal handler, and a burst costs a few events, never
/// the process), installed by `DaemonSignals.trap()` before the state directory's lock (see
/// there); the group's own handlers would come only when it runs, after the lock.
struct SignalService: Service {
    let signals: DaemonSignals
    let events: AsyncStream<DaemonEvent>.Continuation
    let logger: Logger

    func run() async {
        for await signal in signals.received {
            switch signal {
            case .sigusr1:
                logger.notice("signals received", metadata: ["SIGUSR1": "1"])
                events.yield(.poll)
            case .sighup:
                logger.notice("signals received", metadata: ["SIGHUP": "1"])
                events.yield(.reload)
            default:
                logger.notice("signals received", metadata: ["stop": "\(signal)"])
                events.yield(.stopSignal("\(signal)"))
                return
            }
        }
    }
}

/// The daemon's four signals (SIGUSR1, SIGHUP, SIGTERM, SIGINT) with their handlers installed.
///
/// Until `trap()` returns, each of them still has its default action and ends the process. That
/// window is harmless where it matters: under systemd (`Type=notify`) a reload job waits for
/// READY=1, which comes later; a SIGTERM before the handlers ends the process by SIGTERM, which
/// systemd counts as a clean stop; and `osslwatch trigger` finds the daemon only through the
/// state directory's lock, taken after `trap()`.
public struct DaemonSignals: Sendable {
    /// The signals as they were read, for the `SignalService`.
    let received: AsyncStream<UnixSignal>
    /// Set the moment SIGTERM or SIGINT is read, whether or not the service group runs yet.
    let stopRequested: CancellationFlag

    /// Installs the handlers; returns once they are in place. Signals that arrive from then on
    /// wait in `received` until the `SignalService` reads them.
    ///
    /// A task of its own reads them from the moment the handlers exist, not the service: the
    /// group starts its services side by side, the loop listed first, and the loop decides on its
    /// first round before it first waits; a SIGTERM that came while the store opened could still
    /// sit unread then. Read here, it has set `stopRequested` long before the group starts.
    public static func trap() async -> DaemonSignals {
        let sequence = await UnixSignalsSequence(trapping: .sigusr1, .sighup, .sigterm, .sigint)
        let (received, continuation) = AsyncStream.makeStream(of: UnixSignal.self)
        let stopRequested = CancellationFlag()
        Task {
            for await signal in sequence {
                if signal == .sigterm || signal == .sigint { stopRequested.cancel() }
                continuation.yield(signal)
            }
        }
        return DaemonSignals(received: received, stopRequested: stopRequested)
    }
}
