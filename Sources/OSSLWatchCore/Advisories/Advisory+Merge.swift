import Foundation

extension Advisory {
    /// This advisory with what `newer` says added: a value `newer` has replaces the stored one
    /// (OpenSSL updates advisories online), a value it lacks never blanks one already known.
    ///
    /// The advisory text and the CVE record each know part of a CVE (the text its fixing
    /// releases, the record its affected ranges), so a CVE is complete only once both were read,
    /// in whatever order they arrive.
    public func merging(_ newer: Advisory) -> Advisory {
        var merged = self
        if !newer.title.isEmpty { merged.title = newer.title }
        if let severity = newer.severity { merged.severity = severity }
        if merged.published == nil { merged.published = newer.published }
        merged.fixedIn.merge(newer.fixedIn) { _, new in new }
        if !newer.affected.isEmpty { merged.affected = newer.affected }
        merged.sources.formUnion(newer.sources)
        merged.premiumOnly.formUnion(newer.premiumOnly)
        return merged
    }
}
