import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import OSSLWatchTestSupport
import Synchronization
import Testing

/// `osslwatch run` as systemd runs it: the real binary as a child process, a datagram socket
/// as NOTIFY_SOCKET, feeds served by the test nginx, signals sent with kill(2).
@Suite("osslwatch run daemon against nginx", .serialized)
struct DaemonCommandTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    /// The daemon's four signals as a /proc signal mask.
    static let daemonSignals: UInt64 = [SIGUSR1, SIGHUP, SIGTERM, SIGINT].reduce(0) { $0 | 1 << UInt64($1 - 1) }

    /// Waits (in 100 µs naps, up to 10 s) until `daemon` holds its state directory's lock, the
    /// only way `osslwatch trigger` finds a daemon, and returns the signals it catches at that
    /// moment (nil if it never took the lock).
    private static func caughtOnceLocked(_ daemon: DaemonProcess, stateDirectory: String) -> UInt64? {
        let deadline = DaemonProcess.monotonicNanoseconds() + 10_000_000_000
        while DaemonProcess.monotonicNanoseconds() < deadline {
            if (try? StateLock.holder(directory: stateDirectory)) == daemon.pid { return daemon.caughtSignals }
            if !daemon.isRunning { return nil }
            sleep(until: DaemonProcess.monotonicNanoseconds() + 100_000)
        }
        return nil
    }

    /// Sleeps until CLOCK_MONOTONIC reaches `nanoseconds` (an absolute deadline: no drift).
    private static func sleep(until nanoseconds: Int64) {
        var deadline = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil) == EINTR {}
    }

    @Test(
        "READY=1 after start, a readable STATUS=, WATCHDOG=1 at about half of WATCHDOG_USEC, STOPPING=1 and exit 0 on SIGTERM"
    )
    func notifySequenceAndWatchdog() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])

        let pinged = await Wait.until(timeout: .seconds(10)) { scenario.notifications("WATCHDOG=1") >= 8 }
        #expect(pinged, "\(scenario.notify.texts)")
        let pings = scenario.notify.messages.filter { $0.text == "WATCHDOG=1" }.map(\.at)
        if pings.count >= 8 {
            // WATCHDOG_USEC=400000: a ping every 200 ms; 7 gaps take about 1.4 s.
            let span = pings[7] - pings[0]
            #expect(span >= .milliseconds(900) && span <= .milliseconds(3000), "7 ping intervals took \(span)")
        }
        let status = try #require(
            await Wait.until(timeout: .seconds(5)) {
                scenario.notify.texts.contains { $0.hasPrefix("STATUS=") && $0.contains("feeds ok") }
            } ? scenario.notify.texts.first { $0.contains("feeds ok") } : nil)
        #expect(status == "STATUS=cryptography: linked 3.5.3, upstream 3.5.7 (patch-update); 1 feeds ok")
        #expect(FileManager.default.fileExists(atPath: scenario.pidFile))
        #expect(
            (try? String(contentsOfFile: scenario.pidFile, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines)
                == "\(daemon.pid)")

        let stopSent = ContinuousClock.now
        await scenario.stop(daemon)
        #expect(ContinuousClock.now - stopSent < .seconds(5), "stop took \(ContinuousClock.now - stopSent)")
        let texts = scenario.notify.texts
        let ready = try #require(texts.firstIndex(of: "READY=1"))
        let stopping = try #require(texts.firstIndex(of: "STOPPING=1"), "\(texts)")
        #expect(ready < stopping)
        #expect(!FileManager.default.fileExists(atPath: scenario.pidFile), "pid file left behind")
        for event in ["starting", "signals received", "stopping", "stopped"] {
            #expect(daemon.logLines(containing: event).count == 1, "\(event): \(daemon.log)")
        }
    }

    @Test("SIGUSR1 polls every feed now: one more request per feed in nginx's access log")
    func usr1Polls() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + scenario.tagsFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom", "tags.atom"])
        #expect(try scenario.requests(for: "releases.atom").count == 1)

        daemon.send(SIGUSR1)
        let polled = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 2 && scenario.requests(for: "tags.atom").count == 2
        }
        #expect(polled, "access log: \((try? scenario.base.accessLogLines()) ?? [])")
        #expect(try scenario.requests(for: "tags.atom").last?.contains("\" 304 ") == true)
        #expect(daemon.logLines(containing: "signals received SIGUSR1=1").count == 1, "\(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("SIGHUP with a valid changed config: RELOADING=1 with MONOTONIC_USEC, READY=1, and the added feed is polled")
    func reloadAppliesValidConfig() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])
        #expect(try scenario.requests(for: "tags.atom").isEmpty)

        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + scenario.tagsFeed)
        daemon.send(SIGHUP)
        let polled = try await Wait.until(timeout: .seconds(10)) { try scenario.requests(for: "tags.atom").count == 1 }
        #expect(polled, "the added feed was not polled; log: \(daemon.log)")
        #expect(try scenario.requests(for: "releases.atom").count == 1, "the old feed keeps its interval")
        let texts = scenario.notify.texts
        let reloading = try #require(texts.firstIndex { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }, "\(texts)")
        let usec = UInt64(texts[reloading].split(separator: "=").last ?? "") ?? 0
        #expect(usec > 0)
        #expect(texts[(reloading + 1)...].contains("READY=1"), "\(texts)")
        #expect(daemon.logLines(containing: "configuration reloaded").count == 1, "\(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("SIGHUP with a shorter interval applies it at once: the feed is polled again without a signal")
    func reloadAppliesInterval() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])
        try scenario.writeConfig(
            feeds: scenario.feed("github-releases", kind: "github-releases-atom", file: "releases.atom", interval: "1s")
        )
        daemon.send(SIGHUP)
        let repeated = try await Wait.until(timeout: .seconds(15)) {
            try scenario.requests(for: "releases.atom").count >= 3
        }
        #expect(repeated, "\(daemon.log)")
        #expect(daemon.logLines(containing: "signals received").count == 1, "only the SIGHUP")
        await scenario.stop(daemon)
    }

    @Test("SIGHUP with a broken config keeps the old one, logs the one-line error and still answers SIGUSR1")
    func reloadRejectsBrokenConfig() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])

        try "feeds: [\nstate_directory: 5\n".write(toFile: scenario.configPath, atomically: true, encoding: .utf8)
        daemon.send(SIGHUP)
        let rejected = await Wait.until(timeout: .seconds(10)) {
            !daemon.logLines(containing: "configuration rejected").isEmpty
        }
        #expect(rejected, "\(daemon.log)")
        let line = try #require(daemon.logLines(containing: "configuration rejected").first)
        #expect(line.contains(scenario.configPath) && line.contains("YAML"), "\(line)")
        #expect(
            await Wait.until(timeout: .seconds(5)) { scenario.notifications("READY=1") == 2 },
            "\(scenario.notify.texts)")
        #expect(daemon.isRunning)

        daemon.send(SIGUSR1)
        let polled = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 2
        }
        #expect(polled, "the old configuration's feed was not polled; log: \(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("SIGTERM during a poll that never answers: the round is cancelled after stop_timeout and the exit is 0")
    func termBoundsAHungPoll() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let stalled = scenario.stalledFeed(kind: "github-releases-atom", file: "releases.atom")
        try scenario.writeConfig(feeds: stalled, timeout: 60, stopTimeout: 1)
        let daemon = try scenario.start()
        // The event the test needs: the round holding the stalled poll is in flight. READY=1
        // comes before the loop starts any round, so it is not that event.
        let started = await Wait.until(timeout: .seconds(10)) {
            scenario.notifications("READY=1") == 1 && !daemon.logLines(containing: "poll round started").isEmpty
        }
        try #require(started, "\(daemon.log)")
        let stopSent = ContinuousClock.now
        await scenario.stop(daemon, within: .seconds(8))
        let took = ContinuousClock.now - stopSent
        #expect(took >= .milliseconds(900) && took < .seconds(4), "stop took \(took); log: \(daemon.log)")
        #expect(daemon.logLines(containing: "round_running=true").count == 1, "\(daemon.log)")
        #expect(daemon.logLines(containing: "poll round cancelled").count == 1, "\(daemon.log)")
        #expect(scenario.notifications("STOPPING=1") == 1)
    }

    @Test("a poll round that makes no progress stops the watchdog pings while the loop still turns")
    func stuckRoundStopsWatchdog() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        // The round waits on a server that never answers, for up to http.timeout (60 s): far
        // longer than WATCHDOG_USEC (1 s), so it is the stuck work the watchdog must see.
        let stalled = scenario.stalledFeed(kind: "github-releases-atom", file: "releases.atom")
        try scenario.writeConfig(feeds: stalled, timeout: 60, stopTimeout: 1)
        let daemon = try scenario.start(watchdogMicroseconds: 1_000_000)
        let stopped = await Wait.until(timeout: .seconds(30)) {
            scenario.notify.texts.contains { $0.hasPrefix("STATUS=poll round made no progress") }
        }
        try #require(stopped, "\(scenario.notify.texts); log: \(daemon.log)")
        // The loop still turns: a SIGHUP is answered with RELOADING=1 and READY=1, and yet no
        // WATCHDOG=1 follows the status that said the pings stop.
        daemon.send(SIGHUP)
        let reloaded = await Wait.until(timeout: .seconds(10)) { scenario.notifications("READY=1") == 2 }
        #expect(reloaded, "\(scenario.notify.texts); log: \(daemon.log)")
        let texts = scenario.notify.texts
        let silent = try #require(texts.firstIndex { $0.hasPrefix("STATUS=poll round made no progress") })
        let answered = try #require(texts.lastIndex(of: "READY=1"))
        #expect(silent < answered && !texts[silent...answered].contains("WATCHDOG=1"), "\(texts)")
        #expect(daemon.logLines(containing: "watchdog pings stop").count == 1, "\(daemon.log)")
        await scenario.stop(daemon, within: .seconds(8))
    }

    @Test(
        "once the daemon holds its lock it catches all four signals: SIGUSR1 and SIGTERM sent that moment are handled, exit 0"
    )
    func signalsHandledOnceLocked() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        for attempt in 0..<10 {
            let daemon = try scenario.start(watchdogMicroseconds: nil, logName: "early-\(attempt).log")
            let caught = Self.caughtOnceLocked(daemon, stateDirectory: scenario.base.stateDirectory)
            try #require(caught != nil, "attempt \(attempt): the lock was never taken; log: \(daemon.log)")
            #expect(
                (caught ?? 0) & Self.daemonSignals == Self.daemonSignals,
                "attempt \(attempt): handlers missing when the lock was visible: \(String(caught ?? 0, radix: 16))")
            daemon.send(SIGUSR1)
            daemon.send(SIGTERM)
            #expect(await daemon.waitForExit(timeout: .seconds(20)), "attempt \(attempt): \(daemon.log)")
            #expect(daemon.exitedCleanly, "attempt \(attempt): \(daemon.exitDescription); log: \(daemon.log)")
            #expect(daemon.logLines(containing: "stop=SIGTERM").count == 1, "\(daemon.log)")
            #expect(daemon.logLines(containing: "stopped signal=SIGTERM").count == 1, "\(daemon.log)")
        }
    }

    @Test(
        "a SIGTERM sent the moment the daemon first speaks to systemd (start-up) begins no poll round and no step; exit 0"
    )
    func stopDuringStartUpBeginsNoRound() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        for attempt in 0..<5 {
            // The listener's thread sends SIGTERM as soon as the first datagram (STATUS=starting)
            // arrives; the daemon's pid is handed over once posix_spawn returned it.
            let pid = Mutex<pid_t?>(nil)
            scenario.notify.onNextMessage { _ in
                while true {
                    if let target = pid.withLock({ $0 }) {
                        kill(target, SIGTERM)
                        return
                    }
                    sched_yield()
                }
            }
            let daemon = try scenario.start(watchdogMicroseconds: nil, logName: "startup-\(attempt).log")
            pid.withLock { $0 = daemon.pid }
            #expect(await daemon.waitForExit(timeout: .seconds(20)), "attempt \(attempt): \(daemon.log)")
            #expect(daemon.exitedCleanly, "attempt \(attempt): \(daemon.exitDescription); log: \(daemon.log)")
            #expect(daemon.logLines(containing: "stopped signal=SIGTERM").count == 1, "\(daemon.log)")
            // No round (nor the verdict derivation that stands for one) and no pipeline step began.
            #expect(daemon.logLines(containing: "poll round started").isEmpty, "attempt \(attempt): \(daemon.log)")
            #expect(daemon.logLines(containing: "status after the round").isEmpty, "\(daemon.log)")
            #expect(
                daemon.logLines(containing: "round_running=false signal=SIGTERM step_running=false").count == 1,
                "\(daemon.log)")
            #expect(try scenario.requests(for: "releases.atom").isEmpty, "attempt \(attempt)")
        }
    }

    @Test("a SIGUSR1 sent the moment the daemon holds its lock is counted once, not fatal")
    func usr1OnceLockedPolls() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try scenario.start(watchdogMicroseconds: nil)
        try #require(
            Self.caughtOnceLocked(daemon, stateDirectory: scenario.base.stateDirectory) != nil, "\(daemon.log)")
        daemon.send(SIGUSR1)
        let rounds = await Wait.until(timeout: .seconds(15)) {
            daemon.logLines(containing: "poll round finished").count >= 1
                && !daemon.logLines(containing: "SIGUSR1=1").isEmpty
        }
        #expect(rounds, "\(daemon.log)")
        #expect(daemon.logLines(containing: "SIGUSR1=1").count == 1, "\(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("a SIGUSR1 during a poll round is not lost: exactly one more round follows it")
    func usr1DuringRoundIsKept() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let stalled = scenario.stalledFeed(kind: "github-tags-atom", file: "tags.atom")
        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + stalled, timeout: 2)
        let daemon = try scenario.start()
        // The first round is held up by the stalled feed for http.timeout (2 s).
        let polled = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 1
        }
        try #require(polled, "\(daemon.log)")
        #expect(daemon.logLines(containing: "poll round finished").isEmpty, "the first round ended too early")
        daemon.send(SIGUSR1)
        let second = try await Wait.until(timeout: .seconds(15)) {
            try scenario.requests(for: "releases.atom").count == 2
        }
        #expect(second, "\(daemon.log)")
        let rounds = await Wait.until(timeout: .seconds(15)) {
            daemon.logLines(containing: "poll round finished").count == 2
        }
        #expect(rounds, "\(daemon.log)")
        let finished = daemon.logLines(containing: "poll round finished")
        #expect(finished.first?.contains("forced=false") == true && finished.last?.contains("forced=true") == true)
        await scenario.stop(daemon)
        #expect(try scenario.requests(for: "releases.atom").count == 2, "one signal, one more round")
    }

    @Test(
        "SIGHUP during a round: RELOADING=1 and READY=1 while the round is in flight, the round ends, the added feed is polled after it"
    )
    func reloadDuringRound() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let stalled = scenario.stalledFeed(kind: "github-tags-atom", file: "tags.atom")
        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + stalled, timeout: 3)
        let daemon = try scenario.start()
        // The round waits on the stalled feed for http.timeout (3 s); the released feed was polled.
        let inFlight = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 1
        }
        try #require(inFlight, "\(daemon.log)")
        let added = scenario.feed("added", kind: "github-tags-atom", file: "tags.atom")
        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + stalled + "\n" + added, timeout: 3)
        daemon.send(SIGHUP)
        let polled = try await Wait.until(timeout: .seconds(20)) {
            try scenario.requests(for: "tags.atom").count == 1
                && daemon.logLines(containing: "poll round finished").count == 2
        }
        #expect(polled, "\(daemon.log)")
        let lines = daemon.log.split(separator: "\n").map(String.init)
        let reloaded = try #require(lines.firstIndex { $0.contains("configuration reloaded") }, "\(daemon.log)")
        let firstRound = try #require(lines.firstIndex { $0.contains("poll round finished") }, "\(daemon.log)")
        #expect(reloaded < firstRound, "the reload waited for the round: \(daemon.log)")
        #expect(!lines[firstRound].contains("added"), "\(lines[firstRound])")
        let texts = scenario.notify.texts
        let reloading = try #require(texts.firstIndex { $0.hasPrefix("RELOADING=1") }, "\(texts)")
        #expect(texts[(reloading + 1)...].contains("READY=1"), "\(texts)")
        await scenario.stop(daemon)
    }

    @Test(
        "a storm of 300 SIGUSR1 and 30 SIGHUP during a round: the daemon stays up, answers every reload with READY=1, stops cleanly"
    )
    func signalStorm() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let stalled = scenario.stalledFeed(kind: "github-tags-atom", file: "tags.atom")
        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + stalled, timeout: 2)
        let daemon = try scenario.start()
        let inFlight = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 1
        }
        try #require(inFlight, "\(daemon.log)")
        for index in 0..<330 { daemon.send(index % 11 == 10 ? SIGHUP : SIGUSR1) }
        // Every signal taken and answered: a reload is answered by READY=1, and the forced rounds
        // the polls asked for have run (each SIGUSR1 is followed by at least one forced round).
        let settled = await Wait.until(timeout: .seconds(60)) {
            let texts = scenario.notify.texts
            let reloads = texts.filter { $0.hasPrefix("RELOADING=1") }.count
            return reloads >= 1 && texts.filter { $0 == "READY=1" }.count == reloads + 1
                && !daemon.logLines(containing: "forced=true").filter { $0.contains("poll round finished") }.isEmpty
        }
        #expect(settled, "\(scenario.notify.texts); log: \(daemon.log)")
        #expect(daemon.isRunning, "\(daemon.exitDescription); log: \(daemon.log)")
        let received = daemon.logLines(containing: "signals received")
        #expect(!received.isEmpty && received.count <= 330, "\(received.count) signal lines")
        await scenario.stop(daemon)
        let texts = scenario.notify.texts
        #expect(
            texts.filter { $0 == "READY=1" }.count == texts.filter { $0.hasPrefix("RELOADING=1") }.count + 1,
            "a reload without READY=1: \(texts)")
    }

    @Test("a burst of 50 SIGUSR1 coalesces into a few polls")
    func burstCoalesces() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])
        let before = try scenario.requests(for: "releases.atom").count

        for _ in 0..<50 { daemon.send(SIGUSR1) }
        let polled = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count > before
        }
        #expect(polled)
        // Settled: no new request for a second (the loop polls again at most once per batch).
        var seen = try scenario.requests(for: "releases.atom").count
        var quietSince = ContinuousClock.now
        _ = try await Wait.until(timeout: .seconds(20)) {
            let now = try scenario.requests(for: "releases.atom").count
            if now != seen {
                seen = now
                quietSince = .now
            }
            return ContinuousClock.now - quietSince > .seconds(1)
        }
        let polls = seen - before
        #expect(polls >= 1 && polls <= 10, "\(polls) polls for 50 signals")
        await scenario.stop(daemon)
    }

    @Test("a SIGKILLed daemon leaves a stale pid file that the next start replaces")
    func stalePidFileReplaced() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let first = try await scenario.startAndSettle(files: ["releases.atom"], logName: "first.log")
        first.send(SIGKILL)
        #expect(await first.waitForExit(timeout: .seconds(5)))
        let stale = try String(contentsOfFile: scenario.pidFile, encoding: .utf8)
        #expect(stale.trimmingCharacters(in: .whitespacesAndNewlines) == "\(first.pid)")

        let second = try scenario.start(logName: "second.log")
        let replaced = await Wait.until(timeout: .seconds(10)) {
            (try? String(contentsOfFile: scenario.pidFile, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) == "\(second.pid)"
        }
        #expect(replaced, "\(second.log)")
        await scenario.stop(second)
        #expect(!FileManager.default.fileExists(atPath: scenario.pidFile))
    }
}

/// What the daemon does without being signalled, and what it answers through the store.
@Suite("osslwatch run daemon: schedule, requests, metrics", .serialized)
struct DaemonScheduleTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    @Test("each feed is polled again on its own interval, without any signal; the metrics file is written")
    func pollsOnInterval() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let metrics = scenario.base.work.appendingPathComponent("osslwatch.prom").path
        try scenario.writeConfig(
            feeds: scenario.feed("github-releases", kind: "github-releases-atom", file: "releases.atom", interval: "1s")
                + "\n" + scenario.tagsFeed,
            metricsFile: metrics)
        let daemon = try scenario.start()
        defer { daemon.send(SIGKILL) }
        let repeated = try await Wait.until(timeout: .seconds(15)) {
            try scenario.requests(for: "releases.atom").count >= 3
        }
        #expect(repeated, "\(daemon.log)")
        #expect(try scenario.requests(for: "tags.atom").count == 1, "the hourly feed waits for its interval")
        #expect(daemon.logLines(containing: "signals received").isEmpty)
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("github-releases"), "\(text)")
        await scenario.stop(daemon)
    }

    @Test(
        "requests left in the store are handled on SIGUSR1: a poll polls and is noted, a run is noted as not yet possible"
    )
    func handlesRequests() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])
        defer { daemon.send(SIGKILL) }
        let store = try Store(directory: scenario.base.stateDirectory)
        let poll = try store.addRequest(kind: .poll, project: nil, version: nil, at: Date())
        let run = try store.addRequest(
            kind: .run, project: "cryptography", version: OpenSSLVersion("3.5.7"), at: Date())
        daemon.send(SIGUSR1)
        // The log line follows the store's "handled" mark; wait for both.
        let handled = await Wait.until(timeout: .seconds(10)) {
            (try? store.pendingRequests().isEmpty) ?? false && !daemon.logLines(containing: "request handled").isEmpty
        }
        #expect(handled, "\(daemon.log)")
        let notes = Dictionary(
            uniqueKeysWithValues: try store.recentRequests(limit: 10).map { ($0.id, $0.note ?? "") })
        #expect(notes[poll.id] == "polled 1 feeds")
        #expect(notes[run.id] == "no run: project cryptography has no steps configured")
        // nginx writes its access-log line after the answer, so the daemon can be done first.
        let logged = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count >= 2
        }
        #expect(try logged && scenario.requests(for: "releases.atom").count == 2)
        #expect(daemon.logLines(containing: "request handled").count == 1, "\(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("a request recorded without a signal is taken up at the next round")
    func requestWithoutSignal() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(
            feeds: scenario.feed("github-releases", kind: "github-releases-atom", file: "releases.atom", interval: "1s")
        )
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])
        defer { daemon.send(SIGKILL) }
        let store = try Store(directory: scenario.base.stateDirectory)
        let run = try store.addRequest(
            kind: .run, project: "cryptography", version: OpenSSLVersion("3.5.7"), at: Date())
        // The log line follows the store's "handled" mark; wait for both.
        let handled = await Wait.until(timeout: .seconds(15)) {
            (try? store.pendingRequests().isEmpty) ?? false && !daemon.logLines(containing: "request handled").isEmpty
        }
        #expect(handled, "\(daemon.log)")
        let notes = try store.recentRequests(limit: 10).filter { $0.id == run.id }.map { $0.note ?? "" }
        #expect(notes == ["no run: project cryptography has no steps configured"])
        #expect(daemon.logLines(containing: "signals received").isEmpty)
        #expect(daemon.logLines(containing: "request handled").count == 1, "\(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("other commands keep the default signal actions: SIGINT ends a hanging `osslwatch check`")
    func checkDiesOnInterrupt() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let stalled = scenario.stalledFeed(kind: "github-releases-atom", file: "releases.atom")
        try scenario.writeConfig(feeds: stalled, timeout: 60)
        let check = try DaemonProcess(
            arguments: ["check", "--config", scenario.configPath], environment: [:],
            logPath: scenario.base.work.appendingPathComponent("check.log").path)
        let waiting = await Wait.until(timeout: .seconds(10)) {
            (try? String(contentsOfFile: "/proc/\(check.pid)/status", encoding: .utf8))?.contains("Threads:\t1\n")
                == false
        }
        #expect(waiting)
        check.send(SIGINT)
        #expect(await check.waitForExit(timeout: .seconds(5)), "check did not end on SIGINT")
        #expect(check.exitDescription == "killed by signal \(SIGINT)", "\(check.exitDescription)")
    }
}
