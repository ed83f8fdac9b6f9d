import Foundation
public import OSSLWatchCore
public import OSSLWatchStore

/// Where `osslwatch run --dry-run` keeps its state: a copy of the configured store in a fresh
/// temporary directory, removed when the dry run ends.
///
/// A dry run must never change a store or a repository that a real daemon uses, and a dry run
/// that only reads would show nothing (a run has to be created and its steps recorded to show
/// what the pipeline would do). So it works on a snapshot of the real store: it sees the same
/// feeds, releases and runs, takes its own directory's lock (so it runs beside the service
/// without meeting its lock), and whatever it records dies with the copy. Its steps still leave
/// every repository alone: commands and update-pin only log what they would do.
public struct DryRunCopy: Sendable {
    /// The temporary state directory the dry run uses.
    public let directory: String
    /// The configured state directory it was copied from.
    public let source: String

    /// Makes the copy of `configuration`'s store and returns the configuration pointing at it:
    /// state there, and no metrics file (the service's would be overwritten). The copy goes
    /// under `$TMPDIR` of `environment` (the one the entry point read), else /tmp.
    public static func make(for configuration: Configuration, environment: [String: String]) throws(StoreError)
        -> (DryRunCopy, Configuration)
    {
        let base = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base as NSString).appendingPathComponent("osslwatch-dry-run.XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw StoreError(
                .cannotCreate, path: base, "cannot make the dry run's directory: \(String(cString: strerror(errno)))")
        }
        let copy = DryRunCopy(directory: String(cString: made), source: configuration.stateDirectory)
        do {
            try Store.snapshot(from: configuration.stateDirectory, to: copy.directory)
        } catch {
            try? copy.remove()
            throw error
        }
        var dry = configuration
        dry.stateDirectory = copy.directory
        dry.daemon.metricsFile = nil
        return (copy, dry)
    }

    /// Removes the copy and everything the dry run wrote into it.
    public func remove() throws {
        try FileManager.default.removeItem(atPath: directory)
    }
}
