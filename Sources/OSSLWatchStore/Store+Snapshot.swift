import Foundation
internal import GRDB
public import OSSLWatchCore

extension Store {
    /// Copies the store of `source` (a state directory) into `destination`, a consistent
    /// snapshot taken with SQLite's online backup while a daemon may be writing it. The source
    /// is opened read-only and never migrated; a source without a store yields no file, so the
    /// copy starts empty. Only the database is copied: run logs, downloads and drafts are not.
    public static func snapshot(from source: String, to destination: String) throws(StoreError) {
        let sourcePath = (source as NSString).appendingPathComponent(fileName)
        let destinationPath = (destination as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: sourcePath) else { return }
        do {
            var readOnly = GRDB.Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(busyTimeout)
            let reader = try DatabaseQueue(path: sourcePath, configuration: readOnly)
            let writer = try DatabaseQueue(path: destinationPath)
            try reader.backup(to: writer)
            try reader.close()
            try writer.close()
        } catch {
            throw StoreError(.cannotCreate, path: destinationPath, "cannot copy \(sourcePath): \(error)")
        }
    }
}
