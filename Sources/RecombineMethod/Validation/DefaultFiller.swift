/// Fills in the schema's `default` values for every property a (valid) method leaves out, so the
/// `method.json` of a run states every number it was trained with. Follows `$ref`, `allOf`, the
/// `oneOf`/`anyOf` branch the value satisfies, `if`/`then`/`else`, object properties and array items.
/// A default that would make its object invalid (a property excluded by the chosen variant) is left out.
/// A key marked `"x-alias-of": "other_key"` (an older spelling) has no default of its own, and the other
/// key's default is not filled in when the alias is given.
/// Where the papers' and the reference framework's numbers differ, a property states both with the
/// annotation `"x-default-by-numerics": {"papers": …, "reference": …}`, chosen by the method's `numerics`.
public struct DefaultFiller: Sendable {
    let validator: SchemaValidator
    /// The method's `numerics` (or its schema default), which picks `x-default-by-numerics` values.
    var numerics: String?

    public init(validator: SchemaValidator) { self.validator = validator }

    /// `value` with defaults filled in against the schema file `schemaPath`.
    public func fill(_ value: JSONValue, against schemaPath: String = "method.json") -> JSONValue {
        guard let root = validator.store.node(schemaPath) else { return value }
        var filler = self
        let numericsSchema = root.value["properties"]?["numerics"].map { SchemaNode(file: root.file, value: $0) }
        filler.numerics = value["numerics"]?.string ?? numericsSchema.flatMap(defaultValue)?.string
        return filler.fill(value, root, depth: 0)
    }

    func satisfies(_ value: JSONValue, _ node: SchemaNode) -> Bool {
        var issues: [PointerIssue] = []
        validator.check(value, node, JSONPointer(), &issues, depth: 0)
        return issues.isEmpty
    }

    func fill(_ value: JSONValue, _ node: SchemaNode, depth: Int) -> JSONValue {
        guard depth < 64, case .object = node.value else { return value }
        let s = node.value
        func sub(_ v: JSONValue) -> SchemaNode { SchemaNode(file: node.file, value: v) }
        var out = value
        if let reference = s["$ref"]?.string, let target = validator.store.resolve(reference, from: node.file) {
            out = fill(out, target, depth: depth + 1)
        }
        for branch in s["allOf"]?.array ?? [] { out = fill(out, sub(branch), depth: depth + 1) }
        for key in ["oneOf", "anyOf"] {
            if let branches = s[key]?.array, let match = branches.map(sub).first(where: { satisfies(out, $0) }) {
                out = fill(out, match, depth: depth + 1)
            }
        }
        if let condition = s["if"] {
            let branch = satisfies(out, sub(condition)) ? s["then"] : s["else"]
            if let branch { out = fill(out, sub(branch), depth: depth + 1) }
        }
        switch out {
        case .object(var object):
            guard let properties = s["properties"]?.object else { return out }
            // A property another key is an alias of (`"x-alias-of": name`) stands for it when given, so
            // the property's default is not filled in beside it.
            let aliasedBy = Dictionary(
                properties.members.compactMap { member in
                    member.value["x-alias-of"]?.string.map { ($0, member.key) }
                }, uniquingKeysWith: { first, _ in first })
            for (name, propertySchema) in properties.members {
                if let present = object[name] {
                    object[name] = fill(present, sub(propertySchema), depth: depth + 1)
                } else if let alias = aliasedBy[name], object[alias] != nil {
                    continue
                } else if let fallback = defaultValue(sub(propertySchema)) {
                    // A default is kept only when the object stays valid with it: mutually exclusive
                    // variants (a critic or a discriminator) must not gain the other variant's keys.
                    var candidate = object
                    candidate[name] = fallback
                    if satisfies(.object(candidate), node) { object = candidate }
                }
            }
            return .object(object)
        case .array(let items):
            guard let itemSchema = s["items"] else { return out }
            return .array(items.map { fill($0, sub(itemSchema), depth: depth + 1) })
        default:
            return out
        }
    }

    /// A property's `default` (or its `x-default-by-numerics` value for the method's numerics), looked up
    /// through `$ref`s.
    func defaultValue(_ node: SchemaNode) -> JSONValue? {
        var current = node
        for _ in 0..<16 {
            if let d = current.value["default"] { return d }
            if let numerics, let d = current.value["x-default-by-numerics"]?[numerics] { return d }
            guard let reference = current.value["$ref"]?.string,
                let next = validator.store.resolve(reference, from: current.file)
            else { return nil }
            current = next
        }
        return nil
    }
}
