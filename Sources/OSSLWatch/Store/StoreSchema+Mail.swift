import GRDB

extension StoreSchema {
    /// v6: the outbox of drafted and sent messages.
    static func mailMigration(_ db: Database) throws {
    }
}
