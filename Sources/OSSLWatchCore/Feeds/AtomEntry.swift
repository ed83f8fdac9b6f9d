/// The few fields of one Atom `<entry>` osslwatch reads; everything else is read past.
struct AtomEntry: Sendable, Hashable {
    /// `<id>`: GitHub's `tag:github.com,2008:Repository/7634677/openssl-3.5.4`.
    var id: String?
    /// `<updated>`, RFC 3339.
    var updated: String?
    var title: String?
    /// `href` of the `<link>` whose `rel` is `alternate` (or absent, which means the same).
    var link: String?
}
