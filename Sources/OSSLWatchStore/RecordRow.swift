import Foundation
internal import GRDB
import OSSLWatchCore

/// A row type carrying one core record. GRDB's protocols stay on these internal types: the
/// core type knows nothing of them. Every column is read through `StoredRow`, so a damaged row
/// is an error naming its table, key and column, never a trap; the store fills in the file.
protocol RecordRow: FetchableRecord, TableRecord where Columns: RecordColumn {
    associatedtype Record
    var record: Record { get }
    init(record: Record)
    /// The columns that name a row in an error; by default its `id`.
    static var keyColumns: [Columns] { get }
    static func decode(_ row: StoredRow<Columns>) throws -> Record
}

extension RecordRow {
    static var keyColumns: [Columns] { Columns(rawValue: "id").map { [$0] } ?? [] }

    init(row: Row) throws {
        self.init(record: try Self.decode(StoredRow(row, table: Self.databaseTableName, keyColumns: Self.keyColumns)))
    }
}

extension RecordRow where Self: EncodableRecord, Record: Encodable {
    func encode(to container: inout PersistenceContainer) throws {
        try encodeRecord(to: &container)
    }

    /// Writes the record through its `Codable` conformance: each property in the column its
    /// `RecordColumn` case names (nil as NULL). An id of 0, a row not inserted yet, is NULL
    /// so that SQLite assigns one.
    func encodeRecord(to container: inout PersistenceContainer) throws {
        let encoded = try CodableRecord<Record, Columns>(record: record).databaseDictionary
        for (column, value) in encoded { container[column] = value }
        if container["id"]?.databaseValue == 0.databaseValue { container["id"] = nil }
    }
}

/// A `Codable` record as GRDB encodes it, each property in its `Columns` case's column.
private struct CodableRecord<Record: Encodable, Columns: RecordColumn>: EncodableRecord, Encodable {
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy {
        .custom { key in Columns(rawValue: key.stringValue)?.name ?? key.stringValue }
    }

    let record: Record

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
    }
}

extension QueryInterfaceRequest where RowDecoder: RecordRow {
    /// The records the request selects.
    func records(_ db: Database) throws -> [RowDecoder.Record] {
        try fetchAll(db).map(\.record)
    }

    /// The first record the request selects.
    func record(_ db: Database) throws -> RowDecoder.Record? {
        try fetchOne(db)?.record
    }
}

/// A column enum: each case is its record's property, the column its name in snake case
/// (`nextRelease` is `next_release`, `runID` is `run_id`) unless `renamed` says otherwise.
protocol RecordColumn: ColumnExpression, RawRepresentable<String>, Hashable, Sendable {
    /// Columns not named after their property.
    static var renamed: [Self: String] { get }
}

extension RecordColumn {
    static var renamed: [Self: String] { [:] }

    var name: String {
        if let name = Self.renamed[self] { return name }
        var name = ""
        var previous: Character?
        for character in rawValue {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { name += "_" }
            name.append(character)
            previous = character
        }
        return name.lowercased()
    }
}

/// One fetched row, read only through GRDB's throwing decoders.
///
/// GRDB's `row["column"]` subscript traps (a `try!` inside GRDB) when the stored value does
/// not convert, so one odd row (a date in the year 10000, a string where a number belongs)
/// would kill every reader of the store for good. Every column the store reads goes through
/// here instead, and a value that does not convert is a `StoreError` naming the table, the
/// row's key and the column: the operator can fix or delete that row, and nothing crashes.
struct StoredRow<Columns: ColumnExpression> {
    let row: Row
    /// The table the row comes from, for the error.
    let table: String
    /// The row's key as a human names it (`name = "github-releases"`, `id = 4`).
    let key: String

    /// Names the row by its key columns' stored values, read untyped, so that even a row whose
    /// key itself is odd is named by what it holds.
    init(_ row: Row, table: String, keyColumns: [Columns]) {
        self.row = row
        self.table = table
        key = keyColumns.map { column in
            switch Self.stored(row, column.name).storage {
            case .string(let text): return "\(column.name) = \(text.debugDescription)"
            case .int64(let number): return "\(column.name) = \(number)"
            default: return "\(column.name) = \(Self.stored(row, column.name))"
            }
        }.joined(separator: ", ")
    }

    /// The column's value as `T` (an optional `T` for a nullable column); a date must lie in
    /// `StoredDate.range`.
    subscript<T: DatabaseValueConvertible>(_ column: Columns) -> T {
        get throws(StoreError) {
            var name = "\(T.self)"
            if name.hasPrefix("Optional<") { name = String(name.dropFirst(9).dropLast()) }
            let value: T
            do {
                value = try row.decode(T.self, forColumn: column.name)
            } catch {
                throw corrupt(column, "is not a \(name == "Date" ? "date" : name)")
            }
            if let date = value as? Date, !StoredDate.range.contains(date) {
                throw corrupt(column, "is not a date between years 1 and 9999")
            }
            return value
        }
    }

    /// A text column `make` reads (a version, a state); text it refuses is an error.
    func text<T>(_ column: Columns, _ make: (String) -> T?) throws(StoreError) -> T {
        let text: String = try self[column]
        guard let value = make(text) else { throw corrupt(column, "is not a \(T.self)") }
        return value
    }

    /// A nullable text column `make` reads.
    func optionalText<T>(_ column: Columns, _ make: (String) -> T?) throws(StoreError) -> T? {
        let text: String? = try self[column]
        guard let text else { return nil }
        guard let value = make(text) else { throw corrupt(column, "is not a \(T.self)") }
        return value
    }

    /// A text column holding JSON the store wrote (a list, a map by series).
    func json<T: Decodable>(_ column: Columns, as type: T.Type = T.self) throws(StoreError) -> T {
        let text: String = try self[column]
        guard let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else {
            throw corrupt(column, "is not the JSON the store writes")
        }
        return value
    }

    /// The error for an unreadable column, quoting what it holds and saying what to do.
    func corrupt(_ column: Columns, _ problem: String) -> StoreError {
        let stored = row.hasColumn(column.name) ? "\(Self.stored(row, column.name))" : "nothing"
        let shown = stored.count > 80 ? String(stored.prefix(80)) + "…" : stored
        return StoreError(
            .corrupt, path: "",
            "table \(table), row \(key): column \(column.name) holds \(shown), which \(problem); "
                + "the file was edited or damaged: correct or delete that row")
    }

    /// What a column holds, untyped: decoding to `DatabaseValue` cannot fail.
    private static func stored(_ row: Row, _ column: String) -> DatabaseValue {
        (try? row.decode(DatabaseValue.self, forColumn: column)) ?? .null
    }
}

/// Dates the store writes and reads back: GRDB's text format holds four-digit years only.
enum StoredDate {
    static let range = Date(timeIntervalSince1970: -62_135_596_800)...Date(timeIntervalSince1970: 253_402_300_799)

    /// A date from outside (a feed's timestamp) as the store keeps it: nil unless it lies in
    /// `range`, so no value a feed sends can become a row that does not read back.
    static func storable(_ date: Date?) -> Date? {
        date.flatMap { range.contains($0) ? $0 : nil }
    }
}
