internal import GRDB
import OSSLWatchCore

/// A row type that reads one core record; GRDB's protocols stay on these internal types.
protocol RecordRow: FetchableRecord {
    associatedtype Record
    var record: Record { get }
}

extension Store {
    /// A record from its row (`FetchableRecord`); a damaged row is an error naming this
    /// database file, its table, key and column.
    func decodeRecord<Stored: RecordRow>(_ type: Stored.Type, _ row: Row) throws(StoreError) -> Stored.Record {
        do {
            return try Stored(row: row).record
        } catch let error as StoreError {
            throw StoreError(error.code, path: path, error.message)
        } catch {
            throw StoreError(.corrupt, path: path, "\(Stored.Record.self): \(error)")
        }
    }
}
