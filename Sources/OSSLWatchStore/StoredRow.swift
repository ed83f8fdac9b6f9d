import Foundation
internal import GRDB
import OSSLWatchCore

/// One fetched row, read only through GRDB's throwing decoders.
///
/// GRDB's `row["column"]` subscript traps (a `try!` inside GRDB) when the stored value does
/// not convert, so one odd row (a date in the year 10000, a string where a number belongs)
/// would kill every reader of the store for good. Every column the store reads goes through
/// here instead, and a value that does not convert is a `StoreError` naming the table, the
/// row's key and the column: the operator can fix or delete that row, and nothing crashes.
struct StoredRow {
    /// Dates the store writes and reads back: GRDB's text format holds four-digit years only.
    static let dateRange = Date(timeIntervalSince1970: -62_135_596_800)...Date(timeIntervalSince1970: 253_402_300_799)

    /// A date from outside (a feed's timestamp) as the store keeps it: nil unless it lies in
    /// `dateRange`, so no value a feed sends can become a row that does not read back.
    static func storable(_ date: Date?) -> Date? {
        date.flatMap { dateRange.contains($0) ? $0 : nil }
    }

    let row: Row
    /// The table the row comes from, for the error.
    let table: String
    /// The row's key as a human names it (`name = "github-releases"`, `id = 4`).
    let key: String
    /// The database file, for the error.
    let path: String

    init(_ row: Row, table: String, key: String, path: String) {
        self.row = row
        self.table = table
        self.key = key
        self.path = path
    }

    /// Names the row by its key columns' stored values, read untyped, so that even a row whose
    /// key itself is odd is named by what it holds.
    init(_ row: Row, table: String, keyColumns: String..., path: String) {
        let key = keyColumns.map { column in
            let value = Self.stored(row, column)
            switch value.storage {
            case .string(let text): return "\(column) = \(text.debugDescription)"
            case .int64(let number): return "\(column) = \(number)"
            default: return "\(column) = \(value)"
            }
        }
        self.init(row, table: table, key: key.joined(separator: ", "), path: path)
    }

    /// The column's value as `T` (an optional `T` for a nullable column).
    func value<T: DatabaseValueConvertible>(_ column: String, as type: T.Type = T.self) throws(StoreError) -> T {
        var name = "\(T.self)"
        if name.hasPrefix("Optional<") { name = String(name.dropFirst(9).dropLast()) }
        return try decode(column, "is not a \(name)")
    }

    /// A date column that must hold a date.
    func date(_ column: String) throws(StoreError) -> Date {
        let date: Date = try decode(column, "is not a date")
        guard Self.dateRange.contains(date) else { throw corrupt(column, "is not a date between years 1 and 9999") }
        return date
    }

    /// A nullable date column.
    func optionalDate(_ column: String) throws(StoreError) -> Date? {
        let stored: Date? = try decode(column, "is not a date")
        guard let date = stored else { return nil }
        guard Self.dateRange.contains(date) else { throw corrupt(column, "is not a date between years 1 and 9999") }
        return date
    }

    /// A text column holding JSON the store wrote (a list, a map by series).
    func json<T: Decodable>(_ type: T.Type, _ column: String) throws(StoreError) -> T {
        let text: String = try decode(column, "is not text")
        guard let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else {
            throw corrupt(column, "is not the JSON the store writes")
        }
        return value
    }

    private func decode<T: DatabaseValueConvertible>(_ column: String, _ problem: String) throws(StoreError) -> T {
        do {
            return try row.decode(T.self, forColumn: column)
        } catch {
            throw corrupt(column, problem)
        }
    }

    /// The error for an unreadable column, quoting what it holds and saying what to do.
    func corrupt(_ column: String, _ problem: String) -> StoreError {
        let stored = row.hasColumn(column) ? "\(Self.stored(row, column))" : "nothing"
        let shown = stored.count > 80 ? String(stored.prefix(80)) + "…" : stored
        return StoreError(
            .corrupt, path: path,
            "table \(table), row \(key): column \(column) holds \(shown), which \(problem); "
                + "the file was edited or damaged: correct or delete that row")
    }

    /// What a column holds, untyped: decoding to `DatabaseValue` cannot fail.
    private static func stored(_ row: Row, _ column: String) -> DatabaseValue {
        (try? row.decode(DatabaseValue.self, forColumn: column)) ?? .null
    }
}
