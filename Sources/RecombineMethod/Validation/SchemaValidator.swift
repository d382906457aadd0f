/// A JSON Schema (draft 2020-12) validator for the keywords the ontology uses: `type` (with
/// "integer"), `properties`, `required`, `additionalProperties`, `minProperties`, `enum`, `const`,
/// `items`, `prefixItems`, `minItems`, `maxItems`, `uniqueItems`, `minLength`, numeric bounds,
/// `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`, boolean schemas, `$ref` across files and
/// `$defs`. Annotations (`title`, `description`, `default`, …) are ignored.
///
/// It reports every problem, with the expected and the found value, "did you mean" suggestions for
/// misspelt property names and enum values, and, for a `oneOf` whose branches are told apart by a
/// name property (`pattern`, `type`, `dataset`), only the errors of the branch the object names.
public struct SchemaValidator: Sendable {
    public let store: SchemaStore

    public init(store: SchemaStore) { self.store = store }

    /// Every issue of `document` against the schema file `schemaPath` (e.g. "method.json").
    public func validate(_ document: JSONDocument, against schemaPath: String = "method.json") -> [ValidationIssue] {
        guard let root = store.node(schemaPath) else {
            return [
                ValidationIssue(
                    file: document.file, position: .init(line: 1, column: 1), pointer: JSONPointer(),
                    message: "cannot validate: the schema file \(schemaPath) is missing")
            ]
        }
        var issues: [PointerIssue] = document.duplicateKeys.map {
            PointerIssue(
                pointer: $0.pointer,
                message: "property '\($0.pointer.last ?? "")' is given twice; only the last value would be used",
                atKey: true)
        }
        check(document.root, root, JSONPointer(), &issues, depth: 0)
        return document.locate(issues)
    }

    /// Whether `value` satisfies the schema file `schemaPath`.
    public func isValid(_ value: JSONValue, against schemaPath: String) -> Bool {
        guard let root = store.node(schemaPath) else { return false }
        var issues: [PointerIssue] = []
        check(value, root, JSONPointer(), &issues, depth: 0)
        return issues.isEmpty
    }

    // MARK: - Keywords

    func check(
        _ instance: JSONValue, _ schema: SchemaNode, _ at: JSONPointer, _ issues: inout [PointerIssue], depth: Int
    ) {
        guard depth < 256 else {
            issues.append(PointerIssue(pointer: at, message: "schema nesting too deep (a $ref cycle?)")); return
        }
        switch schema.value {
        case .bool(true): return
        case .bool(false):
            issues.append(
                PointerIssue(
                    pointer: at,
                    message: at.last.map { "property '\($0)' is not allowed here" } ?? "no value is allowed here",
                    atKey: true))
            return
        case .object: break
        default: return
        }
        let s = schema.value
        func sub(_ value: JSONValue) -> SchemaNode { SchemaNode(file: schema.file, value: value) }

        if let reference = s["$ref"]?.string {
            guard let target = store.resolve(reference, from: schema.file) else {
                issues.append(
                    PointerIssue(
                        pointer: at,
                        message: "internal schema error: unresolvable $ref '\(reference)' in \(schema.file)"))
                return
            }
            check(instance, target, at, &issues, depth: depth + 1)
        }

        if let types = s["type"] {
            let allowed = types.string.map { [$0] } ?? types.array?.compactMap(\.string) ?? []
            if !allowed.isEmpty && !allowed.contains(where: { Self.matches(instance, type: $0) }) {
                issues.append(
                    PointerIssue(
                        pointer: at,
                        message:
                            "expected \(allowed.map(Self.article).joined(separator: " or ")), found \(Self.describe(instance))"
                    ))
                return  // other keywords would only repeat the type mismatch
            }
        }
        if let constant = s["const"], !instance.schemaEquals(constant) {
            issues.append(
                PointerIssue(
                    pointer: at, message: "expected \(constant.compactText()), found \(instance.compactText())"))
        }
        if let options = s["enum"]?.array, !options.contains(where: { instance.schemaEquals($0) }) {
            var message = "expected one of \(Self.list(options)), found \(instance.compactText())"
            if let word = instance.string {
                message += Suggestions.hint(for: word, among: options.compactMap(\.string))
            }
            issues.append(PointerIssue(pointer: at, message: message))
        }
        checkNumber(instance, s, at, &issues)
        if let text = instance.string, let minLength = s["minLength"]?.integer, text.count < minLength {
            issues.append(
                PointerIssue(
                    pointer: at,
                    message: minLength == 1
                        ? "expected a non-empty string"
                        : "expected at least \(minLength) characters, found \(text.count)"))
        }
        if case .array(let items) = instance { checkArray(items, s, schema, at, &issues, depth: depth) }
        if case .object(let object) = instance { checkObject(object, s, schema, at, &issues, depth: depth) }

        if let all = s["allOf"]?.array {
            for branch in all { check(instance, sub(branch), at, &issues, depth: depth + 1) }
        }
        if let any = s["anyOf"]?.array { checkAnyOf(instance, any.map(sub), at, &issues, depth: depth) }
        if let one = s["oneOf"]?.array { checkOneOf(instance, one.map(sub), at, &issues, depth: depth) }
        if let negated = s["not"] {
            var inner: [PointerIssue] = []
            check(instance, sub(negated), at, &inner, depth: depth + 1)
            if inner.isEmpty {
                issues.append(
                    PointerIssue(
                        pointer: at, message: "\(instance.compactText()) is not allowed here\(Self.notHint(negated))"))
            }
        }
        if let condition = s["if"] {
            var inner: [PointerIssue] = []
            check(instance, sub(condition), at, &inner, depth: depth + 1)
            if inner.isEmpty {
                if let then = s["then"] {
                    var consequences: [PointerIssue] = []
                    check(instance, sub(then), at, &consequences, depth: depth + 1)
                    let reason = Self.conditionText(condition)
                    issues += consequences.map {
                        PointerIssue(pointer: $0.pointer, message: $0.message + reason, atKey: $0.atKey)
                    }
                }
            } else if let otherwise = s["else"] {
                check(instance, sub(otherwise), at, &issues, depth: depth + 1)
            }
        }
    }

    func checkNumber(_ instance: JSONValue, _ s: JSONValue, _ at: JSONPointer, _ issues: inout [PointerIssue]) {
        guard let x = instance.number else { return }
        let found = instance.compactText()
        if let m = s["minimum"]?.number, x < m {
            issues.append(PointerIssue(pointer: at, message: "expected a value ≥ \(Self.format(m)), found \(found)"))
        }
        if let m = s["maximum"]?.number, x > m {
            issues.append(PointerIssue(pointer: at, message: "expected a value ≤ \(Self.format(m)), found \(found)"))
        }
        if let m = s["exclusiveMinimum"]?.number, x <= m {
            issues.append(PointerIssue(pointer: at, message: "expected a value > \(Self.format(m)), found \(found)"))
        }
        if let m = s["exclusiveMaximum"]?.number, x >= m {
            issues.append(PointerIssue(pointer: at, message: "expected a value < \(Self.format(m)), found \(found)"))
        }
    }

    func checkArray(
        _ items: [JSONValue], _ s: JSONValue, _ schema: SchemaNode, _ at: JSONPointer,
        _ issues: inout [PointerIssue], depth: Int
    ) {
        if let n = s["minItems"]?.integer, items.count < n {
            issues.append(
                PointerIssue(
                    pointer: at, message: "expected at least \(n) item\(n == 1 ? "" : "s"), found \(items.count)"))
        }
        if let n = s["maxItems"]?.integer, items.count > n {
            issues.append(
                PointerIssue(
                    pointer: at, message: "expected at most \(n) item\(n == 1 ? "" : "s"), found \(items.count)"))
        }
        if s["uniqueItems"]?.bool == true {
            for i in items.indices {
                for j in items.indices where j > i && items[i].schemaEquals(items[j]) {
                    issues.append(
                        PointerIssue(
                            pointer: at.appending(j),
                            message: "\(items[j].compactText()) repeats item \(i); items must be unique"))
                }
            }
        }
        let prefix = s["prefixItems"]?.array ?? []
        for (i, item) in items.enumerated() {
            if i < prefix.count {
                check(item, SchemaNode(file: schema.file, value: prefix[i]), at.appending(i), &issues, depth: depth + 1)
            } else if let itemSchema = s["items"] {
                check(
                    item, SchemaNode(file: schema.file, value: itemSchema), at.appending(i), &issues, depth: depth + 1)
            }
        }
    }

    func checkObject(
        _ object: JSONObject, _ s: JSONValue, _ schema: SchemaNode, _ at: JSONPointer,
        _ issues: inout [PointerIssue], depth: Int
    ) {
        let properties = s["properties"]?.object ?? JSONObject()
        for name in s["required"]?.array?.compactMap(\.string) ?? [] where object[name] == nil {
            var message = "missing required property '\(name)'"
            // A misspelt required key shows up as an unknown one: point at it.
            if let near = Suggestions.closest(to: name, among: object.keys.filter { properties[$0] == nil }) {
                message += " ('\(near)' is not a known property; a misspelling?)"
            }
            issues.append(PointerIssue(pointer: at, message: message))
        }
        if let n = s["minProperties"]?.integer, object.count < n {
            issues.append(
                PointerIssue(
                    pointer: at,
                    message:
                        "expected at least \(n) propert\(n == 1 ? "y" : "ies"), found \(object.count == 0 ? "an empty object" : "\(object.count)")"
                ))
        }
        for (key, value) in object.members {
            let member = at.appending(key)
            if let propertySchema = properties[key] {
                check(value, SchemaNode(file: schema.file, value: propertySchema), member, &issues, depth: depth + 1)
            } else if let additional = s["additionalProperties"] {
                if additional == .bool(false) {
                    issues.append(
                        PointerIssue(
                            pointer: member,
                            message: "unknown property '\(key)'." + Suggestions.hint(for: key, among: properties.keys)
                                + (Suggestions.closest(to: key, among: properties.keys) == nil
                                    ? " Allowed: \(Self.list(properties.keys.map { .string($0) }, limit: 12))" : ""),
                            atKey: true))
                } else {
                    check(value, SchemaNode(file: schema.file, value: additional), member, &issues, depth: depth + 1)
                }
            }
        }
    }

    func checkAnyOf(
        _ instance: JSONValue, _ branches: [SchemaNode], _ at: JSONPointer, _ issues: inout [PointerIssue], depth: Int
    ) {
        var failures: [[PointerIssue]] = []
        for branch in branches {
            var inner: [PointerIssue] = []
            check(instance, branch, at, &inner, depth: depth + 1)
            if inner.isEmpty { return }
            failures.append(inner)
        }
        issues += Self.summarise(failures, at: at)
    }

    func checkOneOf(
        _ instance: JSONValue, _ branches: [SchemaNode], _ at: JSONPointer, _ issues: inout [PointerIssue], depth: Int
    ) {
        if let (property, names) = discriminator(of: branches), let object = instance.object {
            guard let given = object[property] else {
                issues.append(
                    PointerIssue(
                        pointer: at,
                        message:
                            "missing required property '\(property)' (one of \(Self.list(names.flatMap { $0 }.map { .string($0) }, limit: 10)))"
                    ))
                return
            }
            guard let name = given.string else {
                issues.append(
                    PointerIssue(
                        pointer: at.appending(property), message: "expected a string, found \(Self.describe(given))"))
                return
            }
            let chosen = names.indices.filter { names[$0].contains(name) }
            if chosen.isEmpty {
                let all = names.flatMap { $0 }
                issues.append(
                    PointerIssue(
                        pointer: at.appending(property),
                        message: "unknown \(property) '\(name)'." + Suggestions.hint(for: name, among: all)
                            + (Suggestions.closest(to: name, among: all) == nil
                                ? " Known: \(Self.list(all.map { .string($0) }, limit: 40))" : "")))
                return
            }
            if chosen.count == 1 {
                check(instance, branches[chosen[0]], at, &issues, depth: depth + 1)
                return
            }
        }
        var failures: [[PointerIssue]] = []
        var matched = 0
        for branch in branches {
            var inner: [PointerIssue] = []
            check(instance, branch, at, &inner, depth: depth + 1)
            if inner.isEmpty { matched += 1 } else { failures.append(inner) }
        }
        if matched == 1 { return }
        if matched > 1 {
            issues.append(
                PointerIssue(
                    pointer: at,
                    message:
                        "\(instance.compactText()) matches \(matched) of the alternatives, but exactly one must match"))
            return
        }
        issues += Self.summarise(failures, at: at)
    }

    /// The name property that tells `oneOf` branches apart: each branch (after following `$ref`s)
    /// lists it in `required` and fixes it with `const` or `enum`. Returns it with each branch's names.
    func discriminator(of branches: [SchemaNode]) -> (String, [[String]])? {
        let resolved = branches.map { follow($0) }
        guard let first = resolved.first, let firstProperties = first.value["properties"]?.object else { return nil }
        for candidate in firstProperties.keys {
            var names: [[String]] = []
            for branch in resolved {
                guard let required = branch.value["required"]?.array?.compactMap(\.string),
                    required.contains(candidate),
                    let property = branch.value["properties"]?[candidate]
                else { names = []; break }
                let values = property["const"].map { [$0] } ?? property["enum"]?.array ?? []
                let strings = values.compactMap(\.string)
                guard !strings.isEmpty, strings.count == values.count else { names = []; break }
                names.append(strings)
            }
            if names.count == branches.count { return (candidate, names) }
        }
        return nil
    }

    func follow(_ node: SchemaNode) -> SchemaNode {
        var current = node
        for _ in 0..<16 {
            guard let reference = current.value["$ref"]?.string, let next = store.resolve(reference, from: current.file)
            else { break }
            current = next
        }
        return current
    }

    // MARK: - Messages

    /// Reports failed alternatives: when every alternative fails for one reason at one place, the
    /// reasons are listed together; otherwise the alternative that came closest is reported.
    static func summarise(_ failures: [[PointerIssue]], at: JSONPointer) -> [PointerIssue] {
        guard let best = failures.min(by: { $0.count < $1.count }) else { return [] }
        if failures.allSatisfy({ $0.count == 1 }) && failures.count > 1 {
            let reasons = failures.map { $0[0] }
            if Set(reasons.map(\.pointer)).count == 1 {
                let unique = Array(uniqueInOrder(reasons.map(\.message)))
                if unique.count == 1 { return [reasons[0]] }
                return [
                    PointerIssue(
                        pointer: reasons[0].pointer,
                        message: "none of the alternatives holds: " + unique.joined(separator: "; or "))
                ]
            }
        }
        return best
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch type {
        case "integer": return value.integer != nil
        case "number": return value.number != nil
        case "string": return value.string != nil
        case "boolean": return value.bool != nil
        case "array": return value.array != nil
        case "object": return value.object != nil
        case "null": return value == .null
        default: return false
        }
    }

    static func article(_ type: String) -> String {
        switch type {
        case "integer", "array", "object": return "an \(type)"
        case "null": return "null"
        default: return "a \(type)"
        }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .null: return "null"
        default: return "\(article(value.schemaTypeName)) \(value.compactText())"
        }
    }

    static func list(_ values: [JSONValue], limit: Int = 12) -> String {
        let shown = values.prefix(limit).map { $0.compactText() }.joined(separator: ", ")
        return values.count > limit ? "[\(shown), … (\(values.count) in all)]" : "[\(shown)]"
    }

    static func format(_ x: Double) -> String { x.rounded() == x && Swift.abs(x) < 1e15 ? String(Int(x)) : "\(x)" }

    /// " (because 'p' is v)" for a condition of the form {properties: {p: {const: v}}}.
    static func conditionText(_ condition: JSONValue) -> String {
        guard let properties = condition["properties"]?.object, properties.count == 1,
            let (name, test) = properties.members.first.map({ ($0.key, $0.value) })
        else { return "" }
        if let constant = test["const"] { return " (because '\(name)' is \(constant.compactText()))" }
        if let options = test["enum"]?.array { return " (because '\(name)' is one of \(list(options)))" }
        return ""
    }

    static func notHint(_ negated: JSONValue) -> String {
        if let required = negated["required"]?.array?.compactMap(\.string), !required.isEmpty {
            return
                " (\(required.map { "'\($0)'" }.joined(separator: ", ")) must not be given together with the other settings)"
        }
        return ""
    }
}

/// Order-preserving de-duplication.
private func uniqueInOrder(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}
