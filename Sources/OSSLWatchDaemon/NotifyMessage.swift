import Foundation

#if canImport(Glibc)
    // libc's structs (stat, timespec, flock, sockaddr_un) reach Swift through whichever of these
    // C module copies the compiler met first, which differs between debug and whole-module
    // builds; MemberImportVisibility wants the one it picked imported by name.
    import CDispatch
    import CoreFoundation
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One `sd_notify` datagram: newline-separated `KEY=VALUE` assignments.
public struct NotifyMessage: Sendable, Hashable {
    /// The datagram's text, exactly as sent.
    public let text: String

    init(_ assignments: [(String, String)]) {
        text = assignments.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
    }

    /// The service finished starting (or reloading).
    public static let ready = NotifyMessage([("READY", "1")])
    /// The service begins to stop.
    public static let stopping = NotifyMessage([("STOPPING", "1")])
    /// The watchdog keep-alive.
    public static let watchdog = NotifyMessage([("WATCHDOG", "1")])

    /// The service begins to reload; systemd 253 and later match the reload to the request by
    /// the CLOCK_MONOTONIC time, older ones ignore it.
    public static func reloading(monotonicMicroseconds: UInt64) -> NotifyMessage {
        NotifyMessage([("RELOADING", "1"), ("MONOTONIC_USEC", "\(monotonicMicroseconds)")])
    }

    /// A line for `systemctl status`; line breaks would start new assignments, so they become spaces.
    public static func status(_ line: String) -> NotifyMessage {
        let flat = String(line.map { $0.isNewline ? " " : $0 })
        return NotifyMessage([("STATUS", flat)])
    }

    /// The current CLOCK_MONOTONIC time in microseconds, the clock `MONOTONIC_USEC` is read against.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}
