import COSSLWatchEarly
import Foundation

/// Hands the daemon's signals (SIGUSR1, SIGHUP, SIGTERM, SIGINT) to its loop.
///
/// The handlers live in C (COSSLWatchEarly): for `osslwatch run` the executable installs them
/// before any other code runs, so an early signal is counted, never fatal. They only count and
/// write a byte to a pipe; this listener's thread waits on that pipe and moves the counts into
/// a `DaemonInbox`. Nothing of Swift runs inside a signal handler.
public enum SignalListener {
    /// Whether the handlers were installed by the pre-init function, before any thread existed.
    public static var installedEarly: Bool { osslwatch_signals_installed_early() }

    /// CLOCK_MONOTONIC nanoseconds at installation; compare with a spawn time to measure the
    /// window in which a signal would still have had its default action.
    public static var installedAtNanoseconds: Int64 { Int64(osslwatch_signals_installed_at_ns()) }

    /// Installs the handlers if the pre-init function did not, then starts the listener thread,
    /// which runs until the process exits. Returns false if the handlers could not be installed.
    @discardableResult
    public static func start(into inbox: DaemonInbox) -> Bool {
        guard osslwatch_signals_install() else { return false }
        let thread = Thread {
            var counts = osslwatch_signal_counts()
            while osslwatch_signals_wait(&counts) {
                let stop: Int32? = counts.term > 0 ? SIGTERM : counts.interrupt > 0 ? SIGINT : nil
                inbox.deliver(
                    poll: Int(counts.usr1), reload: Int(counts.hup), stop: stop, from: counts.last_sender)
            }
        }
        thread.name = "osslwatch-signals"
        thread.start()
        return true
    }

    /// `SIGUSR1` for 10, and so on; for log lines.
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGUSR1: "SIGUSR1"
        case SIGHUP: "SIGHUP"
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        default: "signal \(signal)"
        }
    }
}
