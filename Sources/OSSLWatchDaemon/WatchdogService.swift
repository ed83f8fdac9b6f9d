public import Foundation
import Logging
import OSSLWatchCore
import ServiceLifecycle
import Synchronization

/// Keeps systemd's watchdog fed (`WATCHDOG=1` every half `WATCHDOG_USEC`) while the work proves
/// it is alive: the loop answered the heartbeat asked at the previous ping (a loop that stops
/// turning stops the pings), and a poll round in flight made progress (a transfer ended) within
/// the watchdog's timeout. A round stuck anywhere, in a transfer that outlives its own timeout,
/// a store call or a starved pool, stops the pings with a `STATUS=` saying so, and systemd
/// restarts the service. Every transfer is bounded by http.timeout, so WatchdogSec must exceed
/// it (the shipped unit has 2 min against 60 s).
///
/// Last to be shut down by the group: it pings while the loop finishes its work.
struct WatchdogService: Service {
    let settings: WatchdogSettings
    let health: WorkHealth
    let notifier: SystemdNotifier
    let events: AsyncStream<DaemonEvent>.Continuation
    let logger: Logger

    func run() async {
        try? await cancelWhenGracefulShutdown { try await pingWhileAlive() }
    }

    private func pingWhileAlive() async throws {
        var asked: UInt64?
        var hungReported = false
        while true {
            let now = ContinuousClock.now
            if let silent = health.silence(at: now), silent >= settings.timeout {
                if !hungReported {
                    logger.critical(
                        "poll round made no progress; watchdog pings stop",
                        metadata: ["silent_for": "\(silent)", "watchdog": "\(settings.timeout)"])
                    notifier.send(
                        .status("poll round made no progress for \(Int(silent.seconds))s; watchdog pings stop"))
                    hungReported = true
                }
            } else if asked.map({ health.answered >= $0 }) ?? true {
                hungReported = false
                notifier.send(.watchdog)
            }
            let heartbeat = health.ask()
            asked = heartbeat
            events.yield(.heartbeat(heartbeat))
            try await Task.sleep(for: settings.pingInterval)
        }
    }
}

/// What the work shows of its liveness: the heartbeats the loop answered, and when the round
/// in flight started and last made progress. Written by the loop and by the round's transfers
/// (on their threads), read by the `WatchdogService`.
final class WorkHealth: Sendable {
    private struct State {
        var asked: UInt64 = 0
        var answered: UInt64 = 0
        var roundStarted: ContinuousClock.Instant?
        var progressed: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// A new heartbeat number for the loop to answer.
    func ask() -> UInt64 {
        state.withLock {
            $0.asked += 1
            return $0.asked
        }
    }

    /// The loop handled heartbeat `number`.
    func answer(_ number: UInt64) { state.withLock { $0.answered = max($0.answered, number) } }

    /// The highest heartbeat the loop answered.
    var answered: UInt64 { state.withLock { $0.answered } }

    func roundStarted() {
        state.withLock {
            $0.roundStarted = .now
            $0.progressed = nil
        }
    }

    func roundEnded() { state.withLock { $0.roundStarted = nil } }

    /// A transfer of the round in flight ended.
    func progressed() { state.withLock { $0.progressed = .now } }

    /// How long the round in flight has shown no sign of life at `now`; nil without a round.
    func silence(at now: ContinuousClock.Instant) -> Duration? {
        state.withLock { state in
            state.roundStarted.map { started in now - max(started, state.progressed ?? started) }
        }
    }
}

/// The watchdog systemd asks for through `$WATCHDOG_USEC` and `$WATCHDOG_PID`.
public struct WatchdogSettings: Sendable, Hashable {
    /// systemd's timeout; the daemon pings at half of it, as sd_watchdog_enabled(3) advises.
    public var timeoutMicroseconds: UInt64

    /// systemd's timeout as a duration: work silent this long stops the pings.
    public var timeout: Duration { .microseconds(Int64(clamping: timeoutMicroseconds)) }

    /// The time between two `WATCHDOG=1`.
    public var pingInterval: Duration { .microseconds(Int64(clamping: timeoutMicroseconds / 2)) }

    /// The watchdog meant for process `pid`, or nil: `WATCHDOG_USEC` unset, zero or not a number,
    /// or `WATCHDOG_PID` naming another process (the variables were inherited, not given to us).
    public init?(environment: [String: String], pid: pid_t) {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], !owner.isEmpty, owner != String(pid) { return nil }
        timeoutMicroseconds = usec
    }
}
