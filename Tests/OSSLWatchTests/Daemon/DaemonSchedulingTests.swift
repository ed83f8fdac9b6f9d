import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore
@testable import OSSLWatchDaemon

/// The daemon's status line and stop escalation, without a process.
@Suite struct DaemonSchedulingTests {
    let now = Date(timeIntervalSince1970: 1_759_226_400)

    @Test("the status line names linked and upstream versions and the feeds' health")
    func statusLine() throws {
        let linked = try #require(OpenSSLVersion("3.5.3"))
        let verdict = Verdict(
            project: "cryptography", linked: linked, kind: .patchUpdate, findings: [.patchUpdate],
            target: OpenSSLVersion("3.5.4"), latestPerSeries: [:], confirmation: nil, eol: nil, message: "")
        let projects = [
            CheckReport.ProjectReport(name: "cryptography", linked: nil, linkedError: nil, verdict: verdict),
            CheckReport.ProjectReport(name: "other", linked: nil, linkedError: "no such file", verdict: nil),
        ]
        let feeds = ["a", "b", "c"].map { FeedSettings(name: $0, kind: .githubReleasesAtom, url: "https://x/\($0)") }
        let healthy = feeds.map { FeedState(name: $0.name, lastAttempt: now, lastSuccess: now) }
        #expect(
            DaemonStatus.line(projects: projects, feeds: feeds, states: healthy, now: now)
                == "cryptography: linked 3.5.3, upstream 3.5.4 (patch-update); other: linked version unreadable; 3 feeds ok"
        )
        var sick = healthy
        sick[1].errorStreak = 3
        sick.removeLast()
        #expect(
            DaemonStatus.line(projects: [], feeds: feeds, states: sick, now: now)
                == "1 of 3 feeds ok (failing: b) (1 not polled yet)")
    }

    /// A service that runs until it is cancelled.
    struct Idle: Service {
        func run() async {
            let (stream, _) = AsyncStream.makeStream(of: Void.self)
            for await _ in stream {}
        }
    }

    @Test(
        "the group gives the loop daemon.stop_timeout to stop gracefully, then the commands' longest stop to notice cancellation; the signal service's end shuts it down, the watchdog last"
    )
    func stopEscalation() {
        let group = Daemon.groupConfiguration(
            loop: Idle(), signals: Idle(), watchdog: Idle(), settings: DaemonSettings(stopTimeout: 1.5),
            logger: Logger(label: "test"))
        #expect(group.maximumGracefulShutdownDuration == .milliseconds(1500))
        #expect(group.maximumCancellationDuration == CommandRunner.longestStop + .seconds(2))
        // Shut down in reverse: the loop first, the watchdog last (it pings while the loop finishes).
        #expect(group.services.map(\.serviceName) == ["watchdog", "loop", "signals"])
        #expect(
            group.services.map(\.successTerminationBehavior.description)
                == ["cancelGroup", "cancelGroup", "gracefullyShutdownGroup"])
        let unsupervised = Daemon.groupConfiguration(
            loop: Idle(), signals: Idle(), watchdog: nil, settings: DaemonSettings(), logger: Logger(label: "test"))
        #expect(unsupervised.services.map(\.serviceName) == ["loop", "signals"])
        // The handlers are installed before the lock by DaemonSignals, not by the group.
        #expect(group.gracefulShutdownSignals.isEmpty && group.cancellationSignals.isEmpty)
    }
}
