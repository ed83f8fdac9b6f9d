/// The few fields of a CycloneDX SBOM that name a component's version and hashes.
struct CycloneDXDocument: Decodable {
    struct Hash: Decodable {
        var alg: String
        var content: String
    }

    struct Component: Decodable {
        var name: String
        var version: String?
        var hashes: [Hash]?
        var components: [Component]?
    }

    var components: [Component]?

    /// Every component named `name` (case-insensitive), nested ones included.
    func components(named name: String) -> [Component] {
        var result: [Component] = []
        var pending = components ?? []
        while let component = pending.popLast() {
            if component.name.lowercased() == name { result.append(component) }
            pending.append(contentsOf: component.components ?? [])
        }
        return result
    }
}
