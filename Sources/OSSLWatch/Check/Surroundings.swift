public import Foundation
import OSSLWatchCore

/// What a poll round takes from the machine it runs on: the time, a monotonic clock for
/// durations, and the process environment.
///
/// The entry points (`osslwatch check`, the daemon's start) read the real ones once, with
/// `system(environment:)`; everything below them is handed this value and never asks the
/// machine itself. So a test runs a round at the time it chooses (a feed stale, an advisory
/// window over) without waiting, and with the variables it sets.
public struct Surroundings: Sendable {
    /// The wall-clock time now: what is recorded and what verdicts are judged at.
    public var now: @Sendable () -> Date
    /// Time since a fixed origin that never jumps: what durations are measured with.
    public var uptime: @Sendable () -> Duration
    /// The process environment (credential directories, `STATE_DIRECTORY`, ...).
    public var environment: [String: String]

    /// The machine's clocks and the given environment (the caller reads the process's own).
    public static func system(environment: [String: String]) -> Surroundings {
        let origin = ContinuousClock.now
        return Surroundings(
            now: { Date() }, uptime: { ContinuousClock.now - origin }, environment: environment)
    }

    /// A clock that stands still at `date`: every time a round records or judges by is `date`,
    /// and every duration is zero.
    public static func fixed(at date: Date, environment: [String: String] = [:]) -> Surroundings {
        Surroundings(now: { date }, uptime: { .zero }, environment: environment)
    }

    /// Seconds since `start`, an earlier `uptime()`, for a log line or an outcome.
    public func seconds(since start: Duration) -> Double { (uptime() - start).seconds }
}
