import Foundation
import OSSLWatchTestSupport

/// One test's world: a folder in nginx's docroot with feed files, a state directory, and a
/// config pointing the real binary at them over TLS with the test CA.
struct CheckScenario {
    let services: TestServices
    let name: String
    /// Served at `https://localhost:<port>/<name>/`.
    let served: URL
    let work: URL

    init(_ services: TestServices) throws {
        self.services = services
        name = "check-\(UUID().uuidString.lowercased())"
        served = URL(fileURLWithPath: services.docroot).appendingPathComponent(name)
        work = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-\(name)")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    static var fixtures: URL {
        TestServices.repositoryRoot.appendingPathComponent("Tests/OSSLWatchTests/Fixtures")
    }

    func url(_ file: String) -> String { services.httpsURL("/\(name)/\(file)") }

    var stateDirectory: String { work.appendingPathComponent("state").path }
    var configPath: String { work.appendingPathComponent("osslwatch.yaml").path }

    /// Copies the four release feeds of a fixture snapshot (`""` for the newest, or
    /// `snapshot-2025-09-30`) and the release metadata into the served folder.
    /// `metadata: false` leaves an already served data.json as it is (its ETag unchanged).
    func serveFeeds(snapshot: String = "", metadata: Bool = true) throws {
        let feeds = Self.fixtures.appendingPathComponent("feeds").appendingPathComponent(snapshot)
        for file in ["releases.atom", "tags.atom", "releases.json", "source.html"] {
            try replace(file, with: try Data(contentsOf: feeds.appendingPathComponent(file)))
        }
        guard metadata else { return }
        let metadata = Self.fixtures.appendingPathComponent("openssl-release-metadata/data.json")
        try replace("data.json", with: try Data(contentsOf: metadata))
    }

    /// Writes a served file through a temporary name, so nginx never serves half of it.
    func replace(_ file: String, with data: Data) throws {
        let target = served.appendingPathComponent(file)
        let temporary = served.appendingPathComponent(".\(file).tmp")
        try data.write(to: temporary)
        _ = try? FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: temporary, to: target)
    }

    /// The five standard feeds on the served folder, as YAML list items.
    var standardFeeds: String {
        """
          - name: github-releases
            kind: github-releases-atom
            url: \(url("releases.atom"))
          - name: github-tags
            kind: github-tags-atom
            url: \(url("tags.atom"))
          - name: github-api
            kind: github-releases-json
            url: \(url("releases.json"))
          - name: source-page
            kind: source-listing
            url: \(url("source.html"))
          - name: release-metadata
            kind: release-metadata
            url: \(url("data.json"))
        """
    }

    /// Writes the config: the given feed items and projects, TLS through the test CA.
    /// `http` holds extra lines for the http section, each indented by two spaces.
    func writeConfig(
        feeds: String? = nil, projects: String, confirmation: String = "  checksum: false", http: String = ""
    ) throws {
        let yaml = """
            state_directory: \(stateDirectory)
            http:
              ca_file: \(services.caFile)
              connect_timeout: 2
              timeout: 5
            \(http)
            confirmation:
            \(confirmation)
            feeds:
            \(feeds ?? standardFeeds)
            projects:
            \(projects)

            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func check(_ extra: [String] = []) async throws -> OSSLWatchBinary.Result {
        try await OSSLWatchBinary.run(["check", "--config", configPath, "--json"] + extra)
    }

    /// Lines nginx logged for this scenario's folder, in order.
    func accessLogLines() throws -> [String] {
        let text = try String(contentsOfFile: services.accessLog, encoding: .utf8)
        return text.split(separator: "\n").map(String.init).filter { $0.contains("/\(name)/") }
    }

    /// Removes the served folder and the work directory (state, logs), unless
    /// `OSSLWATCH_KEEP_SCENARIO=1`: then both stay and their paths are printed, so a failure
    /// that happens once in many runs leaves its daemon logs and store behind to read.
    func cleanUp() {
        if ProcessInfo.processInfo.environment["OSSLWATCH_KEEP_SCENARIO"] == "1" {
            print("scenario kept (OSSLWATCH_KEEP_SCENARIO=1): work \(work.path), served \(served.path)")
            return
        }
        try? FileManager.default.removeItem(at: served)
        try? FileManager.default.removeItem(at: work)
    }
}

extension OSSLWatchBinary.Result {
    /// `feeds[]` of the JSON report keyed by feed name.
    func feedResults() throws -> [String: [String: Any]] {
        let feeds = try json()["feeds"] as? [[String: Any]] ?? []
        return Dictionary(
            uniqueKeysWithValues: feeds.compactMap { feed in
                (feed["feed"] as? String).map { ($0, feed) }
            })
    }

    /// `projects[].verdict` of the JSON report for one project.
    func verdict(_ project: String) throws -> [String: Any]? {
        let projects = try json()["projects"] as? [[String: Any]] ?? []
        return projects.first { $0["name"] as? String == project }?["verdict"] as? [String: Any]
    }
}
