import Foundation
public import OSSLWatchCore
public import OSSLWatchTransport

/// The verify-artifact step: the last word on whether a release really ships the new
/// OpenSSL. Every wheel (its SBOMs and the version text in its extension modules) and every
/// binary (the embedded `OPENSSL_VERSION_TEXT`) at the configured path must name the
/// target; the report lists each one that does not. The template may also be a URL (a
/// wheel or binary published by CI): it is downloaded with the service's HTTP client, under
/// the same https-only rules as every other fetch, and then checked like a file.
public struct ArtifactVerifier: Sendable {
    /// A file, directory or URL; `{version}`, `{tag}`, `{previous}`, `{next_release}` and
    /// `{project}` are filled from the run's facts (`dist/cryptography-{next_release}-*`
    /// style globs are not expanded: name the directory instead).
    public var pathTemplate: String
    /// Fetches URL templates; `nil` makes a URL template fail the step with the reason.
    public var client: HTTPClient? = nil
    public var maxDownloadBytes: Int = ArtifactVerifier.defaultMaxDownloadBytes
    /// Where a downloaded artifact is written (the run's work directory).
    public var workDirectory: String?

    /// In a directory, files with these extensions are read as binaries (plus any executable file).
    public static let binaryExtensions: Set<String> = ["so", "dylib", "pyd", "dll", "exe", "a"]

    /// The download cap when the step names none (`StepSettings.defaultMaxDownloadBytes`).
    public static let defaultMaxDownloadBytes = StepSettings.defaultMaxDownloadBytes

    /// Whether a filled-in template names a URL (anything with a scheme) rather than a path.
    public static func isURL(_ location: String) -> Bool {
        guard let range = location.range(of: "://") else { return false }
        let scheme = location[..<range.lowerBound]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
    }

    public func path(for facts: RunFacts) -> String {
        [
            ("{version}", facts.target.description), ("{tag}", facts.target.tag),
            ("{previous}", facts.previous.description), ("{next_release}", facts.nextRelease),
            ("{project}", facts.project),
        ].reduce(pathTemplate) { text, pair in text.replacingOccurrences(of: pair.0, with: pair.1) }
    }

    /// Checks every artifact and returns the report; throws only when there is nothing to
    /// check (missing path, empty directory). Runs on a dedicated thread: binaries can be large.
    public func check(_ facts: RunFacts) async throws(StepError) -> ArtifactReport {
        let location = path(for: facts)
        let isURL = Self.isURL(location)
        let local = try await isURL ? download(location) : location
        let result = await DedicatedThread.run(name: "osslwatch-artifacts") { _ in
            Result { () throws(StepError) -> ArtifactReport in try Self.inspect(local, target: facts.target) }
        }
        var report = try result.get()
        if isURL {
            let shown = HTTPURL(location)?.redacted ?? "<unparsable URL>"
            for index in report.entries.indices { report.entries[index].path = shown }
        }
        return report
    }

    /// Streams `url` into the work directory (through a `.part` file, so a failed transfer
    /// never leaves something that looks complete) and returns the local path.
    private func download(_ url: String) async throws(StepError) -> String {
        let shown = HTTPURL(url)?.redacted ?? "<unparsable URL>"
        guard let client else {
            throw StepError(.invalidInput, "artifact URL \(shown) cannot be fetched: no HTTP client was given")
        }
        guard let workDirectory else {
            throw StepError(.invalidInput, "artifact URL \(shown) cannot be fetched: no work directory was given")
        }
        try PipelineFiles.makeDirectory(workDirectory, kind: "artifact work directory")
        let name = TarballVerifier.fileName(of: url, fallback: "artifact")
        let path = URL(fileURLWithPath: workDirectory).appendingPathComponent(name).path
        _ = try await DownloadFile.fetch(url, to: path, maxBytes: maxDownloadBytes, client: client, what: "artifact")
        return path
    }

    /// Like `check`, but any artifact not linking the target throws `artifactMismatch` naming them all.
    public func verify(_ facts: RunFacts) async throws(StepError) -> ArtifactReport {
        let report = try await check(facts)
        let failures = report.failures
        guard failures.isEmpty else {
            let list = failures.map { "\($0.path): \($0.problem ?? "")" }.joined(separator: "; ")
            throw StepError(
                .artifactMismatch,
                "\(failures.count) of \(report.entries.count) artifacts do not link OpenSSL \(report.target): \(list)")
        }
        return report
    }

    static func inspect(_ path: String, target: OpenSSLVersion) throws(StepError) -> ArtifactReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StepError(.missingFile, "artifact path \(path) does not exist")
        }
        guard isDirectory.boolValue else {
            let kind: ArtifactReport.Entry.Kind = path.hasSuffix(".whl") ? .wheel : .binary
            return ArtifactReport(target: target, entries: [entry(path, kind: kind, target: target)], skipped: [])
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw StepError(.missingFile, "artifact directory \(path) cannot be listed: \(error.localizedDescription)")
        }
        var entries: [ArtifactReport.Entry] = []
        var skipped: [String] = []
        for name in names {
            let file = URL(fileURLWithPath: path).appendingPathComponent(name).path
            var nested: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &nested), !nested.boolValue else {
                skipped.append(file)
                continue
            }
            let suffix = name.split(separator: ".").count > 1 ? String(name.split(separator: ".").last ?? "") : ""
            if suffix == "whl" {
                entries.append(entry(file, kind: .wheel, target: target))
            } else if binaryExtensions.contains(suffix) || (suffix.isEmpty && access(file, X_OK) == 0) {
                entries.append(entry(file, kind: .binary, target: target))
            } else {
                skipped.append(file)
            }
        }
        guard !entries.isEmpty else {
            throw StepError(.missingFile, "artifact directory \(path) holds no wheel or binary to check")
        }
        return ArtifactReport(target: target, entries: entries, skipped: skipped)
    }

    private static func entry(_ path: String, kind: ArtifactReport.Entry.Kind, target: OpenSSLVersion)
        -> ArtifactReport.Entry
    {
        do {
            let linked = try LinkedVersionReader.read(kind == .wheel ? .wheel(path: path) : .binary(path: path))
            let problem = linked.version == target ? nil : "links OpenSSL \(linked.version), not \(target)"
            return ArtifactReport.Entry(path: path, kind: kind, found: linked.version, problem: problem)
        } catch {
            return ArtifactReport.Entry(path: path, kind: kind, found: nil, problem: error.message)
        }
    }
}

/// Which built artifacts link the target OpenSSL and which do not, so the run can say
/// exactly which wheel or binary to rebuild.
public struct ArtifactReport: Sendable, Hashable, Codable {
    /// One checked artifact.
    public struct Entry: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable {
            case wheel
            case binary
        }

        public var path: String
        public var kind: Kind
        /// The OpenSSL version found in it, when one was found.
        public var found: OpenSSLVersion?
        /// Why it does not count as linking the target; `nil` when it does.
        public var problem: String?

        public var linksTarget: Bool { problem == nil }
    }

    public var target: OpenSSLVersion
    /// Every artifact checked, in path order.
    public var entries: [Entry]
    /// Files in a checked directory that are neither wheels nor binaries (an sdist, a README).
    public var skipped: [String]

    /// The artifacts that do not link the target.
    public var failures: [Entry] { entries.filter { !$0.linksTarget } }
}
