import Foundation
import OSSLWatchTestSupport
import Testing

/// The metrics file the real daemon writes, read back by a real Prometheus parser
/// (prometheus_client's text parser, installed from PyPI into var/prom-venv on first use).
@Suite("metrics file read by prometheus_client", .serialized)
struct MetricsFileTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    static var venv: URL { TestServices.repositoryRoot.appendingPathComponent("var/prom-venv") }

    /// The venv's python with prometheus_client importable, creating the venv when missing.
    static func python() async throws -> String {
        let python = venv.appendingPathComponent("bin/python").path
        if try await run(python, ["-c", "import prometheus_client"]).status == 0 { return python }
        let created = try await run("/usr/bin/env", ["python3", "-m", "venv", venv.path])
        let installed = try await run(
            venv.appendingPathComponent("bin/pip").path, ["install", "-q", "prometheus-client"])
        guard created.status == 0, installed.status == 0,
            try await run(python, ["-c", "import prometheus_client"]).status == 0
        else {
            throw OSSLWatchBinary.Failure(
                description:
                    "cannot set up \(venv.path) with prometheus-client: \(created.output) \(installed.output)")
        }
        return python
    }

    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: executable) else { return (127, "\(executable) missing") }
        let output = try await ChildProcess.run([executable] + arguments, stderr: .merged)
        return (output.status, output.stdoutText)
    }

    /// Parses with prometheus_client and prints one `name labels-json value` line per sample.
    static let parser = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        for family in text_string_to_metric_families(open(sys.argv[1]).read()):
            for sample in family.samples:
                print(family.type, sample.name, json.dumps(sample.labels, sort_keys=True), float(sample.value))
        """

    @Test("the daemon's metrics file parses with prometheus_client and holds every feed and project figure")
    func daemonMetricsParse() async throws {
        let python = try await Self.python()
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let metrics = scenario.base.work.appendingPathComponent("osslwatch.prom").path
        try scenario.writeConfig(
            feeds: scenario.releasesFeed + "\n"
                + scenario.feed("missing", kind: "github-tags-atom", file: "no-such-file.atom"),
            metricsFile: metrics)
        let daemon = try scenario.start(watchdogMicroseconds: nil)
        let written = await Wait.until(timeout: .seconds(15)) {
            let text = (try? String(contentsOfFile: metrics, encoding: .utf8)) ?? ""
            return text.contains("osslwatch_project_verdict") && text.contains("feed=\"missing\"")
        }
        await scenario.stop(daemon)
        try #require(written, "no metrics file; log: \(daemon.log)")

        let script = scenario.base.work.appendingPathComponent("parse.py").path
        try Self.parser.write(toFile: script, atomically: true, encoding: .utf8)
        let parsed = try await Self.run(python, [script, metrics])
        try #require(parsed.status == 0, "prometheus_client rejected the file: \(parsed.output)")
        let lines = parsed.output.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.hasPrefix("gauge ") }, "\(parsed.output)")
        func has(_ text: String) -> Bool { lines.contains { $0.contains(text) } }
        #expect(has(#"osslwatch_feed_last_success_timestamp_seconds {"feed": "github-releases"}"#), "\(parsed.output)")
        #expect(has(#"osslwatch_feed_last_http_status {"feed": "github-releases"} 200.0"#), "\(parsed.output)")
        #expect(has(#"osslwatch_feed_last_http_status {"feed": "missing"} 404.0"#))
        #expect(has(#"osslwatch_feed_error_streak {"feed": "missing"} 1.0"#))
        #expect(has(#"osslwatch_project_linked_info {"project": "cryptography", "version": "3.5.3"} 1.0"#))
        #expect(
            has(#"osslwatch_project_latest_info {"project": "cryptography", "series": "3.5", "version": "3.5.7"} 1.0"#))
        #expect(has(#"osslwatch_project_verdict {"project": "cryptography", "verdict": "patch-update"} 1.0"#))
        #expect(has(#"osslwatch_project_verdict {"project": "cryptography", "verdict": "up-to-date"} 0.0"#))
        let mode = try FileManager.default.attributesOfItem(atPath: metrics)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o644)
    }
}
