import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

@Suite struct ConfigDaemonTests {
    static let base = ConfigYAML.minimal(literal: "3.5.4")

    func load(_ extra: String) throws(ConfigError) -> Configuration {
        try ConfigLoader.load(yaml: Self.base + extra, file: "/tmp/daemon-test.yaml", environment: [:])
    }

    @Test("the daemon section defaults to a 20 s stop timeout, 10 % jitter and no metrics file")
    func defaults() throws {
        let config = try load("")
        #expect(config.daemon == DaemonSettings(stopTimeout: 20, jitter: 0.1, metricsFile: nil))
    }

    @Test("stop_timeout, jitter and metrics_file are read, the metrics path made absolute")
    func values() throws {
        let config = try load("daemon:\n  stop_timeout: 45s\n  jitter: 0.25\n  metrics_file: osslwatch.prom\n")
        #expect(config.daemon.stopTimeout == 45)
        #expect(config.daemon.jitter == 0.25)
        #expect(config.daemon.metricsFile == "/tmp/osslwatch.prom")
    }

    @Test(
        "bad daemon values name their key path",
        arguments: [
            ("daemon:\n  stop_timeout: 0\n", "daemon.stop_timeout"),
            ("daemon:\n  jitter: 0.9\n", "daemon.jitter"),
            ("daemon:\n  jitter: lots\n", "daemon.jitter"),
            ("daemon:\n  metrics_file: /nonexistent-dir/x.prom\n", "daemon.metrics_file"),
            ("daemon:\n  stop_timout: 5s\n", "daemon.stop_timout"),
        ])
    func errors(yaml: String, keyPath: String) {
        #expect {
            _ = try load(yaml)
        } throws: { error in
            (error as? ConfigError)?.keyPath == keyPath
        }
    }
}
