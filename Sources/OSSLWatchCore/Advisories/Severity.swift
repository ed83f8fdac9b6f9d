/// OpenSSL's severity levels, as its security policy names them; ordered from least to most urgent.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low = "Low"
    case moderate = "Moderate"
    case high = "High"
    case critical = "Critical"

    private var rank: Int {
        switch self {
        case .low: 0
        case .moderate: 1
        case .high: 2
        case .critical: 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
