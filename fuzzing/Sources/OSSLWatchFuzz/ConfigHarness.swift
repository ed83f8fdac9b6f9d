import Foundation
import OSSLWatch
import OSSLWatchCore

/// `osslwatch.yaml` text through the loader the daemon and `config check` use (files not checked).
enum ConfigHarness {
    static let file = "/nonexistent/osslwatch-fuzz/osslwatch.yaml"

    static let harness = Harness(
        name: "config", summary: "osslwatch.yaml through ConfigLoader (Yams, ConfigParser); one-line errors"
    ) { data in
        guard let yaml = String(validating: data, as: UTF8.self) else { return }
        let load = { () throws(ConfigError) in
            try ConfigLoader.load(
                yaml: yaml, file: file, environment: ["HOME": "/nonexistent"],
                options: ConfigLoader.Options(checkFiles: false))
        }
        let first = Result(catching: load)
        Invariant.require(first == Result(catching: load), "two loads of one text disagree")
        switch first {
        case .failure(let error):
            Invariant.require(error.file == file, "error names file \(error.file)")
            Invariant.require(
                Invariant.isOneLine(error.description), "error is not one line: \(error.description.debugDescription)")
        case .success(let configuration):
            Invariant.require(
                !configuration.feeds.isEmpty && !configuration.projects.isEmpty, "config without feeds or projects")
            Invariant.require(
                Set(configuration.feeds.map(\.name)).count == configuration.feeds.count, "two feeds share a name")
            Invariant.require(
                Set(configuration.projects.map(\.name)).count == configuration.projects.count,
                "two projects share a name")
        }
    }
}
