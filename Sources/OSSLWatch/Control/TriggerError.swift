/// `osslwatch trigger` was given arguments it must refuse before recording anything.
public struct TriggerError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// `--project` names no configured project (EX_USAGE).
        case unknownProject
        /// `--version` is given, several projects are configured and `--project` is missing (EX_USAGE).
        case projectRequired
        /// `--project` without `--version`: a poll covers every feed and takes no project (EX_USAGE).
        case projectWithoutVersion
        /// `--version` is not an OpenSSL version in one of the strict forms (EX_DATAERR).
        case badVersion
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// 65 (`EX_DATAERR`) for a version that does not parse, 64 (`EX_USAGE`) otherwise.
    public var exitStatus: Int32 { code == .badVersion ? 65 : 64 }

    public var description: String { message }
}
