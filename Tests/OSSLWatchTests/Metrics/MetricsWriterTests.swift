import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore
@testable import OSSLWatchStore

@Suite struct MetricsWriterTests {
    typealias S = StoreSamples

    static func verdict(_ project: String, linked: String, kind: VerdictKind) throws -> Verdict {
        Verdict(
            project: project, linked: S.version(linked), kind: kind, findings: [kind], target: nil,
            latestPerSeries: [
                try #require(Series("3.5")): S.version("3.5.4"), try #require(Series("3.0")): S.version("3.0.18"),
            ],
            confirmation: nil, eol: nil, message: "m")
    }

    @Test("the document is well formed: HELP and TYPE before samples, no duplicate series, every figure present")
    func wellFormed() throws {
        let feeds = [
            FeedState(name: "github-releases", lastSuccess: S.start, lastStatus: 304, errorStreak: 0),
            FeedState(name: "source-page", lastAttempt: S.start, lastStatus: 503, errorStreak: 3),
            FeedState(name: "never-polled"),
        ]
        let text = MetricsWriter.render(
            feeds: feeds,
            projects: [
                ("cryptography", try Self.verdict("cryptography", linked: "3.5.3", kind: .patchUpdate)),
                ("pending", nil),
            ], now: S.start + 5)
        let document = try ExpositionChecker(text)
        #expect(Set(document.types.values) == ["gauge"])
        let success = document.values("osslwatch_feed_last_success_timestamp_seconds")
        #expect(success.map(\.labels) == [["feed": "github-releases"]])
        #expect(success.first?.value == S.start.timeIntervalSince1970)
        #expect(
            document.values("osslwatch_feed_error_streak").map { [$0.labels["feed"] ?? "", String($0.value)] } == [
                ["github-releases", "0.0"], ["source-page", "3.0"], ["never-polled", "0.0"],
            ])
        #expect(document.values("osslwatch_feed_last_http_status").map(\.value) == [304, 503])
        #expect(
            document.values("osslwatch_project_linked_info").map(\.labels) == [
                ["project": "cryptography", "version": "3.5.3"]
            ])
        #expect(
            Set(document.values("osslwatch_project_latest_info").map(\.labels)) == [
                ["project": "cryptography", "series": "3.5", "version": "3.5.4"],
                ["project": "cryptography", "series": "3.0", "version": "3.0.18"],
            ])
        let verdicts = document.values("osslwatch_project_verdict")
        #expect(verdicts.count == VerdictKind.allCases.count)
        #expect(verdicts.filter { $0.value == 1 }.map { $0.labels["verdict"] } == ["patch-update"])
        #expect(verdicts.allSatisfy { $0.value == 0 || $0.value == 1 })
        #expect(document.values("osslwatch_metrics_generated_timestamp_seconds").first?.value == 1_759_226_405)
    }

    @Test("label values with a quote, a backslash and a newline are escaped and read back unchanged")
    func escaping() throws {
        let hostile = "a\"b\\c\nd"
        let text = MetricsWriter.render(
            feeds: [FeedState(name: hostile, lastStatus: 200, errorStreak: 1)], projects: [], now: S.start)
        #expect(text.contains(#"osslwatch_feed_error_streak{feed="a\"b\\c\nd"} 1"#))
        let document = try ExpositionChecker(text)
        #expect(document.values("osslwatch_feed_error_streak").first?.labels["feed"] == hostile)
    }

    @Test("the checker itself rejects an unescaped quote, a sample before its TYPE and a duplicate series")
    func checkerRejects() {
        #expect(throws: ExpositionChecker.Violation.self) {
            try ExpositionChecker("# HELP m h\n# TYPE m gauge\nm{l=\"a\"b\"} 1\n")
        }
        #expect(throws: ExpositionChecker.Violation.self) { try ExpositionChecker("# HELP m h\nm 1\n# TYPE m gauge\n") }
        #expect(throws: ExpositionChecker.Violation.self) {
            try ExpositionChecker("# HELP m h\n# TYPE m gauge\nm{l=\"a\"} 1\nm{l=\"a\"} 2\n")
        }
        #expect(throws: ExpositionChecker.Violation.self) { try ExpositionChecker("# HELP m h\n# TYPE m gauge\nm 1") }
    }

    @Test("write renders the store's figures for the configured feeds and projects into a 0644 file atomically")
    func writeFromStore() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        try store.recordNotModified(feed: "atom", at: S.start, nextPoll: S.start + 300)
        try store.recordNotModified(feed: "removed-from-config", at: S.start, nextPoll: S.start + 300)
        try store.saveVerdicts([try Self.verdict("cryptography", linked: "3.5.4", kind: .upToDate)], at: S.start)
        let configuration = Configuration(
            stateDirectory: directory.path,
            feeds: [FeedSettings(name: "atom", kind: .githubReleasesAtom, url: "https://example.org/a")],
            projects: [ProjectSettings(name: "cryptography", linked: .literal(S.version("3.5.4")))])
        let path = directory.path + "/osslwatch.prom"
        let previous = umask(0o077)
        defer { umask(previous) }
        try MetricsWriter(path: path).write(configuration: configuration, store: store, now: S.start + 1)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let document = try ExpositionChecker(text)
        #expect(document.values("osslwatch_feed_error_streak").map { $0.labels["feed"] } == ["atom"])
        #expect(
            document.values("osslwatch_project_verdict").first { $0.value == 1 }?.labels["verdict"] == "up-to-date")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty)
    }

    @Test("write into a missing directory throws and creates nothing")
    func writeFails() throws {
        let directory = TemporaryStateDirectory()
        defer { directory.remove() }
        let store = try Store(directory: directory.path)
        let configuration = Configuration(stateDirectory: directory.path, feeds: [], projects: [])
        #expect(throws: AtomicFileError.self) {
            try MetricsWriter(path: directory.path + "/missing/osslwatch.prom").write(
                configuration: configuration, store: store, now: S.start)
        }
    }
}
