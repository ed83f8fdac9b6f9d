internal import GRDB
import OSSLWatchCore

extension StoreSchema {
    /// v7: a step's reason as a code (`StepReason.Code`) beside its words, so the store asks
    /// for "skipped because not a security release" by code, never by the wording. Rows
    /// written before keep their words; the reasons the machine decides get their code from
    /// the words those versions wrote.
    static func stepReasonCodesMigration(_ db: Database) throws {
        try db.alter(table: "steps") { table in
            table.add(column: "reason_code", .text)
        }
        let earlierWords: [(StepReason.Code, StepState, String)] = [
            (.notSecurity, .skipped, "not a security release"),
            (.skippedByOperator, .skipped, "skipped by operator"),
            (
                .interrupted, .needsAttention,
                "interrupted while running; it may or may not have taken effect: retry or skip"
            ),
        ]
        for (code, state, words) in earlierWords {
            try db.execute(
                sql: "UPDATE steps SET reason_code = ? WHERE state = ? AND reason = ?",
                arguments: [code.rawValue, state.rawValue, words])
        }
    }
}
