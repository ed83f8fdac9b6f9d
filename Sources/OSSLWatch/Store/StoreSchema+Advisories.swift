import GRDB

extension StoreSchema {
    /// v5: advisories, the releases that fix them, pre-announcements.
    static func advisoriesMigration(_ db: Database) throws {
    }
}
