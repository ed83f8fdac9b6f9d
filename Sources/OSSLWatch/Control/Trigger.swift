public import Foundation
public import OSSLWatchCore
public import OSSLWatchStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `osslwatch trigger`: validate, record a `ControlRequest`, then wake the daemon with SIGUSR1.
///
/// The request is recorded before the signal, so the daemon finds it when it wakes, and a
/// request made while the daemon is down waits in the store for its next start.
public enum Trigger {
    /// The validated request: a run when a version is given (for the named project, or the
    /// only one configured), otherwise a poll of every feed.
    public static func validate(configuration: Configuration, project: String?, version: String?)
        throws(TriggerError) -> (kind: ControlRequest.Kind, project: String?, version: OpenSSLVersion?)
    {
        let names = configuration.projects.map(\.name)
        if let project, !names.contains(project) {
            throw TriggerError(
                .unknownProject,
                "unknown project \(project.debugDescription); configured: \(names.joined(separator: ", "))")
        }
        guard let version else {
            guard project == nil else {
                throw TriggerError(
                    .projectWithoutVersion, "--project needs --version: a poll (no --version) covers every feed")
            }
            return (.poll, nil, nil)
        }
        guard let parsed = OpenSSLVersion(version) else {
            throw TriggerError(
                .badVersion,
                "not an OpenSSL version: \(String(version.prefix(80)).debugDescription) (expected e.g. 3.5.4, 1.1.1w, 3.6.0-beta1)"
            )
        }
        guard let target = project ?? (names.count == 1 ? names.first : nil) else {
            throw TriggerError(
                .projectRequired,
                "--version needs --project when several projects are configured: \(names.joined(separator: ", "))")
        }
        return (.run, target, parsed)
    }

    /// Records the request in `store` and signals the daemon of `configuration`'s state directory.
    /// `pid`, when given, must be that daemon.
    public static func perform(
        configuration: Configuration, store: Store, project: String?, version: String?, pid: pid_t?, now: Date
    ) throws -> TriggerOutcome {
        let valid = try validate(configuration: configuration, project: project, version: version)
        let request = try store.addRequest(kind: valid.kind, project: valid.project, version: valid.version, at: now)
        return TriggerOutcome(
            request: request, delivery: deliver(pid: pid, stateDirectory: configuration.stateDirectory))
    }

    /// Sends SIGUSR1 to the process that holds `stateDirectory`'s `StateLock`, the only one that
    /// reads the store the request went to. The kernel names that process, and only while it
    /// lives, so a pid file left by a killed daemon, whose pid now belongs to anything else, is
    /// never signalled. `pid` (`--pid`) is signalled only when it is that holder.
    public static func deliver(pid: pid_t?, stateDirectory: String) -> TriggerOutcome.Delivery {
        let holder: pid_t?
        do {
            holder = try StateLock.holder(directory: stateDirectory)
        } catch {
            return .failed(error.description, exitStatus: 69)
        }
        guard let target = holder else {
            let lock = StateLock.path(in: stateDirectory)
            if let pid { return .notRunning("no daemon holds \(lock), so pid \(pid) is not one") }
            return .notRunning("no daemon holds \(lock)")
        }
        if let pid, pid != target {
            return .failed(
                "pid \(pid) is not the daemon of \(stateDirectory): pid \(target) holds its lock", exitStatus: 69)
        }
        guard kill(target, SIGUSR1) == 0 else {
            let reason = String(cString: strerror(errno))
            if errno == ESRCH { return .notRunning("process \(target) exited") }
            return .failed("kill(\(target), SIGUSR1): \(reason)", exitStatus: errno == EPERM ? 77 : 69)
        }
        return .signalled(target)
    }
}

/// `osslwatch trigger` was given arguments it must refuse before recording anything.
public typealias TriggerError = OneLineError<TriggerErrorCode>

/// The codes of `TriggerError`, for the callers that branch on them.
public enum TriggerErrorCode: String, Sendable, Hashable {
    /// `--project` names no configured project (EX_USAGE).
    case unknownProject
    /// `--version` is given, several projects are configured and `--project` is missing (EX_USAGE).
    case projectRequired
    /// `--project` without `--version`: a poll covers every feed and takes no project (EX_USAGE).
    case projectWithoutVersion
    /// `--version` is not an OpenSSL version in one of the strict forms (EX_DATAERR).
    case badVersion
}

extension TriggerError {
    /// 65 (`EX_DATAERR`) for a version that does not parse, 64 (`EX_USAGE`) otherwise.
    public var exitStatus: Int32 { code == .badVersion ? 65 : 64 }
}

/// What `osslwatch trigger` did: the request it recorded and whether the daemon was told.
public struct TriggerOutcome: Sendable {
    public enum Delivery: Sendable, Hashable {
        case signalled(pid_t)
        /// No daemon to signal; the reason says why (no pid file, stale pid, recycled pid).
        case notRunning(String)
        /// A daemon may be there but could not be signalled (unreadable pid file, no permission).
        case failed(String, exitStatus: Int32)
    }

    public var request: ControlRequest
    public var delivery: Delivery

    /// 0 when signalled; 69 (`EX_UNAVAILABLE`) when no daemon runs; the failure's own status otherwise.
    public var exitStatus: Int32 {
        switch delivery {
        case .signalled: 0
        case .notRunning: 69
        case .failed(_, let status): status
        }
    }

    /// What to tell the operator, one fact per line.
    public var lines: [String] {
        var what = "request \(request.id) recorded: "
        switch request.kind {
        case .poll: what += "poll every feed now"
        case .run: what += "run for \(request.project ?? "?") to OpenSSL \(request.version?.description ?? "?")"
        }
        switch delivery {
        case .signalled(let pid):
            return [what, "sent SIGUSR1 to the osslwatch daemon (pid \(pid)); it handles the request now"]
        case .notRunning(let reason):
            return [
                what,
                "the daemon is not running (\(reason)); nothing was signalled",
                "the request stays in the store and is handled when `osslwatch run` next starts",
            ]
        case .failed(let reason, _):
            return [
                what, "could not signal the daemon: \(reason)",
                "the request stays in the store and is handled at the daemon's next poll round or start",
            ]
        }
    }
}
