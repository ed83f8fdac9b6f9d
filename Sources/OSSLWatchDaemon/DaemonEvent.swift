/// What wakes the daemon's loop. The `SignalService`, the `WatchdogService`, the loop's own round
/// and pipeline tasks, its alarm and the service group's graceful shutdown all feed one stream,
/// which the loop alone reads, so the loop's state has a single writer.
enum DaemonEvent: Sendable, Hashable {
    /// SIGUSR1: poll every feed now, handle the pending requests, advance the runs.
    case poll
    /// SIGHUP: re-read the configuration.
    case reload
    /// SIGTERM or SIGINT arrived (its name, for the log and `STATUS=`); the group's graceful
    /// shutdown follows it.
    case stopSignal(String)
    /// The service group asks the loop to shut down gracefully.
    case shutdown
    /// The poll round in flight ended.
    case roundFinished(DaemonRoundSummary)
    /// The pipeline advance in flight ended.
    case pipelineFinished
    /// The instant the loop asked to be woken at has come.
    case wake
    /// The `WatchdogService` asks whether the loop still turns: answering it lets the next ping go.
    case heartbeat(UInt64)
}
