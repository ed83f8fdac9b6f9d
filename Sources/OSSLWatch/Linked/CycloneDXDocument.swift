/// The few fields of a CycloneDX SBOM that say what a component is, its version and hashes.
struct CycloneDXDocument: Decodable {
    struct Hash: Decodable {
        var alg: String
        var content: String
    }

    struct Component: Decodable {
        var name: String?
        var version: String?
        /// The package URL: the only field that says which package of which ecosystem this is.
        var purl: String?
        var hashes: [Hash]?
        var components: [Component]?
    }

    struct Metadata: Decodable {
        /// What the document describes; it may itself be (or contain) a component.
        var component: Component?
    }

    var metadata: Metadata?
    var components: [Component]?

    /// Every component of the document, nested ones and the described one included, in document order.
    var allComponents: [Component] {
        var result: [Component] = []
        var pending = Array(((metadata?.component.map { [$0] } ?? []) + (components ?? [])).reversed())
        while let component = pending.popLast() {
            result.append(component)
            pending.append(contentsOf: (component.components ?? []).reversed())
        }
        return result
    }
}
