public import Foundation

/// A fresh folder per test under the system temporary directory, so parallel tests never share
/// files; the test removes it when done.
public enum ScratchDirectory {
    /// Creates `<tmp>/<prefix>-<UUID>` and returns it with symlinks resolved, so paths the code
    /// under test prints compare equal to the ones the test built.
    public static func make(_ prefix: String = "osslwatch-scratch") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.resolvingSymlinksInPath()
    }

    /// Removes `directory` and everything in it; a folder already gone is no error.
    public static func remove(_ directory: URL) {
        try? FileManager.default.removeItem(at: directory)
    }
}
