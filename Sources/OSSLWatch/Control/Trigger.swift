import Foundation

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
        let target: String
        if let project {
            target = project
        } else if names.count == 1, let only = names.first {
            target = only
        } else {
            throw TriggerError(
                .projectRequired,
                "--version needs --project when several projects are configured: \(names.joined(separator: ", "))")
        }
        return (.run, target, parsed)
    }

    /// Records the request in `store` and signals the daemon: the one named by `pid` when given,
    /// else the one in `pidFile`. Only a live process named osslwatch is signalled.
    public static func perform(
        configuration: Configuration, store: Store, project: String?, version: String?, pid: pid_t?,
        pidFile: PIDFile, now: Date = Date()
    ) throws -> TriggerOutcome {
        let valid = try validate(configuration: configuration, project: project, version: version)
        let request = try store.addRequest(kind: valid.kind, project: valid.project, version: valid.version, at: now)
        return TriggerOutcome(request: request, delivery: deliver(pid: pid, pidFile: pidFile))
    }

    /// Sends SIGUSR1 to the daemon, after checking it is one.
    public static func deliver(pid: pid_t?, pidFile: PIDFile) -> TriggerOutcome.Delivery {
        let target: pid_t
        do {
            if let pid {
                try PIDFile.check(pid, path: "--pid \(pid)")
                target = pid
            } else {
                target = try pidFile.read()
            }
        } catch {
            if error.meansNotRunning { return .notRunning(error.description) }
            return .failed(error.description, exitStatus: 69)
        }
        guard kill(target, SIGUSR1) == 0 else {
            let reason = String(cString: strerror(errno))
            if errno == ESRCH { return .notRunning("process \(target) exited") }
            return .failed("kill(\(target), SIGUSR1): \(reason)", exitStatus: errno == EPERM ? 77 : 69)
        }
        return .signalled(target)
    }
}
