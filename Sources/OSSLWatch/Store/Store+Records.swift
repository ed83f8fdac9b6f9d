import GRDB

extension Store {
    /// A record from its row (`FetchableRecord`); a damaged row is an error naming this
    /// database file, its table, key and column.
    func decodeRecord<Record: FetchableRecord>(_ type: Record.Type, _ row: Row) throws(StoreError) -> Record {
        do {
            return try Record(row: row)
        } catch let error as StoreError {
            throw StoreError(error.code, path: path, error.message)
        } catch {
            throw StoreError(.corrupt, path: path, "\(Record.self): \(error)")
        }
    }
}
