public import OSSLWatchCore

/// The state database could not be opened, migrated, read or written.
///
/// The daemon treats these as fatal for the operation at hand (the poll is not recorded and
/// is retried later); the CLI exits with `exitStatus`.
public typealias StoreError = PathError<StoreErrorCode>

/// The codes of `StoreError`, for the callers that branch on them.
public enum StoreErrorCode: String, Sendable, Hashable {
    /// The state directory or the database file cannot be created or opened.
    case cannotCreate
    /// A schema migration failed; the database is left at its previous version.
    case migration
    /// A query or a transaction failed (I/O error, locked beyond the busy timeout, full disk).
    case database
    /// A stored value does not parse back (a version, a date, JSON): the file was edited or is damaged.
    case corrupt
    /// The row an update names does not exist.
    case notFound
    /// The change asked for is not allowed in the row's current state (approving a step that
    /// is not waiting, retrying a done step).
    case illegalTransition
}

extension StoreError {
    /// A sysexits status: 73 (`EX_CANTCREAT`) when the state cannot be created, 65 (`EX_DATAERR`)
    /// for an illegal transition or an unknown row, 74 (`EX_IOERR`) otherwise.
    public var exitStatus: Int32 {
        switch code {
        case .cannotCreate: return 73
        case .illegalTransition, .notFound: return 65
        default: return 74
        }
    }
}
