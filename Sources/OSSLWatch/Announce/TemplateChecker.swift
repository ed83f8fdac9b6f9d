import Mustache

/// Checks a template outline against a context the way swift-mustache will look names up, so
/// a name that would silently render as nothing is an error naming the file, line and variable.
///
/// `checkNames` walks every branch against a sample with every field set (every section
/// entered), so a misspelt name fails even in a branch this context does not take.
/// `checkValues` walks only the branches rendering takes for the real context, and fails when
/// a printed variable has no value there.
struct TemplateChecker {
    let file: String

    private enum Lookup {
        /// Some scope has the name with a value.
        case value(Any)
        /// Some scope declares the name but its value is nil.
        case empty
        case unknown
    }

    func checkNames(_ nodes: [TemplateOutline.Node], stack: [Any]) throws(MailError) {
        for node in nodes {
            switch node {
            case .variable(let name, let line):
                try require(name, line: line, stack: stack)
            case .section(let name, let line, let inverted, let children):
                let found = try require(name, line: line, stack: stack)
                var inner = stack
                if !inverted, let found {
                    if let list = found as? [Any] {
                        if let first = list.first { inner.append(first) }
                    } else if !(found is Bool) {
                        inner.append(found)
                    }
                }
                try checkNames(children, stack: inner)
            }
        }
    }

    func checkValues(_ nodes: [TemplateOutline.Node], stack: [Any]) throws(MailError) {
        for node in nodes {
            switch node {
            case .variable(let name, let line):
                let key = TemplateOutline.key(of: name)
                if key.isEmpty || key == "." { continue }
                if case .value = lookup(key, stack: stack) { continue }
                throw MailError(
                    .templateVariable,
                    "variable `\(key)` has no value here; print it inside `{{#\(key)}}...{{/\(key)}}`",
                    file: file, line: line, variable: key)
            case .section(let name, _, let inverted, let children):
                let key = TemplateOutline.key(of: name)
                if key.isEmpty { continue }
                var value: Any? =
                    switch lookup(key, stack: stack) {
                    case .value(let value): value
                    default: nil
                    }
                if key != name {
                    // Of the transforms only `empty(x)` is followed; other transformed sections
                    // had their names checked and are left to rendering.
                    guard name == "empty(\(key))" else { continue }
                    value = Self.isEmpty(value)
                }
                let truthy: Bool =
                    switch value {
                    case nil: false
                    case let flag as Bool: flag
                    case let list as [Any]: !list.isEmpty
                    default: true
                    }
                if inverted {
                    if !truthy { try checkValues(children, stack: stack) }
                } else if truthy, let value {
                    if let list = value as? [Any] {
                        for element in list { try checkValues(children, stack: stack + [element]) }
                    } else if value is Bool {
                        try checkValues(children, stack: stack)
                    } else {
                        try checkValues(children, stack: stack + [value])
                    }
                }
            }
        }
    }

    private static func isEmpty(_ value: Any?) -> Bool {
        switch value {
        case nil: true
        case let list as [Any]: list.isEmpty
        case let text as String: text.isEmpty
        default: false
        }
    }

    /// Fails when no scope declares the name; returns its value, nil when it is declared but empty.
    @discardableResult
    private func require(_ name: String, line: Int, stack: [Any]) throws(MailError) -> Any? {
        let key = TemplateOutline.key(of: name)
        if key.isEmpty || key == "." { return stack.last }
        switch lookup(key, stack: stack) {
        case .value(let value): return value
        case .empty: return nil
        case .unknown:
            throw MailError(
                .templateVariable, "unknown variable `\(key)`", file: file, line: line, variable: key)
        }
    }

    /// swift-mustache's rule: the first part of a dotted name is looked up from the innermost
    /// scope outwards, skipping scopes where it is missing or nil; later parts are looked up in
    /// the value found.
    private func lookup(_ name: String, stack: [Any]) -> Lookup {
        let parts = name.split(separator: ".").map(String.init)
        guard let head = parts.first else { return .value(stack.last as Any) }
        var result = Lookup.unknown
        for scope in stack.reversed() {
            switch Self.child(head, of: scope) {
            case .value(let value):
                result = .value(value)
            case .empty:
                result = .empty
                continue
            case .unknown:
                continue
            }
            break
        }
        for part in parts.dropFirst() {
            guard case .value(let value) = result else { return result }
            result = Self.child(part, of: value)
        }
        return result
    }

    private static func child(_ name: String, of object: Any) -> Lookup {
        if let parent = object as? any MustacheParent {
            return parent.child(named: name).map { .value($0) } ?? .unknown
        }
        guard let match = Mirror(reflecting: object).children.first(where: { $0.label == name }) else {
            return .unknown
        }
        let value = match.value
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return .empty }
            return .value(wrapped)
        }
        return .value(value)
    }
}
