public import Foundation

/// The watchdog systemd asks for through `$WATCHDOG_USEC` and `$WATCHDOG_PID`.
public struct WatchdogSettings: Sendable, Hashable {
    /// systemd's timeout; the daemon pings at half of it, as sd_watchdog_enabled(3) advises.
    public var timeoutMicroseconds: UInt64

    /// systemd's timeout as a duration: work silent this long stops the pings.
    public var timeout: Duration { .microseconds(Int64(clamping: timeoutMicroseconds)) }

    /// The time between two `WATCHDOG=1`.
    public var pingInterval: Duration { .microseconds(Int64(clamping: timeoutMicroseconds / 2)) }

    public init(timeoutMicroseconds: UInt64) {
        self.timeoutMicroseconds = timeoutMicroseconds
    }

    /// The watchdog meant for process `pid`, or nil: `WATCHDOG_USEC` unset, zero or not a number,
    /// or `WATCHDOG_PID` naming another process (the variables were inherited, not given to us).
    public init?(environment: [String: String], pid: pid_t) {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], !owner.isEmpty, owner != String(pid) { return nil }
        timeoutMicroseconds = usec
    }
}
