import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// A daemon that starts derives the verdicts from what the store holds before it waits for its
/// feeds: a round's polls and its verdicts are saved in separate transactions, so a daemon
/// killed between them (the stall of the fault-injection test) leaves the feeds recorded, not
/// due again for their whole interval, and no verdict to create a run from.
@Suite struct StartVerdictTests {
    @Test("feeds recorded without a verdict: the restarted daemon creates the run without waiting for the next poll")
    func verdictDerivedAtStart() async throws {
        let scenario = try await PipelineE2EScenario(TestServices.load())
        defer { scenario.cleanUp() }
        try scenario.writeConfig(steps: scenario.verifyTarballStep())
        // The state a SIGKILL between the feed records and the verdicts leaves, made without
        // luck: the first daemon records both feeds (due again in an hour) but cannot derive a
        // verdict, since the project's pin file names no version.
        let pin = scenario.downstream.pinFile
        let pinned = try Data(contentsOf: pin)
        try Data("# no pin here\n".utf8).write(to: pin)
        let first = try scenario.start(logName: "first.log")
        try await AsyncCleanup.run {
            let polled = await Wait.until(timeout: .seconds(30)) {
                !first.logLines(containing: "poll round finished").isEmpty || !first.isRunning
            }
            try #require(polled && first.isRunning, "no round: \(first.log)")
            #expect(!first.logLines(containing: "linked version unreadable").isEmpty, "\(first.log)")
        } finally: {
            await first.terminate(within: .seconds(15))
        }
        #expect(try await scenario.runs().isEmpty, "a run without a verdict")

        try pinned.write(to: pin)
        let second = try scenario.start(logName: "second.log")
        try await AsyncCleanup.run {
            let run = try await scenario.waitForRun()
            #expect(run != nil, "no run from the stored feeds; log: \(second.log)")
            #expect(second.logLines(containing: "poll round started").isEmpty, "the feeds were not due: \(second.log)")
        } finally: {
            await second.terminate(within: .seconds(15))
        }
    }
}
