import Foundation

/// Reads, validates and checks method files: JSON syntax, the schema, then cross-references.
/// Every problem of a file is collected; nothing is trained when there is any.
public struct MethodLoader: Sendable {
    public let validator: SchemaValidator

    public init(store: SchemaStore) { validator = SchemaValidator(store: store) }

    /// The outcome for one file.
    public struct Outcome: Sendable {
        public let file: String
        public let spec: MethodSpec?
        public let issues: [ValidationIssue]
        public var isValid: Bool { issues.isEmpty && spec != nil }
    }

    /// Loads `path`, applying `overrides` (JSON pointer → value, e.g. from `--set`) before validation.
    /// Relative paths in the file resolve against `baseDirectory` (default: the file's directory).
    public func load(path: String, overrides: [(JSONPointer, JSONValue)] = [], baseDirectory: String? = nil) -> Outcome
    {
        load(path: path, overrides: overrides, baseDirectory: baseDirectory) { try JSONParser.parse(contentsOf: path) }
    }

    /// Checks method text held in memory, reported under the name `file` (the fuzz target's entry).
    public func load(text: String, file: String, baseDirectory: String = ".") -> Outcome {
        load(path: file, overrides: [], baseDirectory: baseDirectory) { try JSONParser.parse(text: text, file: file) }
    }

    func load(
        path: String, overrides: [(JSONPointer, JSONValue)], baseDirectory: String?, parse: () throws -> JSONDocument
    ) -> Outcome {
        let document: JSONDocument
        do { document = try parse() } catch let error as JSONSyntaxError {
            return Outcome(
                file: path, spec: nil,
                issues: [
                    ValidationIssue(
                        file: error.file, position: error.position, pointer: error.pointer, message: error.message)
                ])
        } catch {
            return Outcome(
                file: path, spec: nil,
                issues: [
                    ValidationIssue(
                        file: path, position: .init(line: 1, column: 1), pointer: JSONPointer(), message: "\(error)")
                ])
        }
        var root = document.root
        var overrideIssues: [ValidationIssue] = []
        for (pointer, value) in overrides {
            if let updated = Self.setting(root, at: pointer, to: value) {
                root = updated
            } else {
                overrideIssues.append(
                    ValidationIssue(
                        file: path, position: .init(line: 1, column: 1), pointer: pointer,
                        message: "--set: the parent of \(pointer) does not exist in the method file"))
            }
        }
        let effective = JSONDocument(file: document.file, root: root, sourceMap: document.sourceMap)
        let schemaIssues = validator.validate(effective)
        let base = baseDirectory ?? URL(fileURLWithPath: path).deletingLastPathComponent().path
        // What runs is read from the method with every schema default filled in, so an option's
        // default is stated once, in the schema, and the run's method.json shows every number used.
        // The checks read the same values (defaults inside parts the schema rejected may be missing).
        let filled = DefaultFiller(validator: validator).fill(effective.root)
        let filledDocument = JSONDocument(file: effective.file, root: filled, sourceMap: effective.sourceMap)
        var spec = MethodSpec(document: filledDocument, baseDirectory: base)
        // Cross-references are checked even when the schema found problems, so one run reports
        // everything; findings inside parts the schema already rejected would only repeat them.
        let rejected = schemaIssues.map(\.pointer)
        let references = effective.locate(
            ReferenceChecks(method: spec).issues.filter { issue in
                !rejected.contains { issue.pointer.tokens.starts(with: $0.tokens) }
            })
        // Shapes: the mappings are built (seeded) and their layers' shape rules chained per dataset —
        // only for files the schema accepts, so no layer is ever built from values it rejected.
        let shapes =
            !schemaIssues.isEmpty
            ? []
            : MethodCompiler.check(spec).filter { issue in
                !rejected.contains { issue.pointer.tokens.starts(with: $0.tokens) }
            }
        let all = (overrideIssues + schemaIssues + references + shapes).sorted {
            ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column)
        }
        guard all.isEmpty else { return Outcome(file: path, spec: nil, issues: all) }
        // A valid method has every option the specs read; a gap is a schema property that lost its default.
        guard spec.unfilledOptions.isEmpty else {
            return Outcome(
                file: path, spec: nil,
                issues: spec.unfilledOptions.map {
                    ValidationIssue(
                        file: path, position: effective.position(of: $0), pointer: $0,
                        message: "no value, and the schema states no default for it (a defect of recombine's schema)")
                })
        }
        spec.withDefaults = filled
        return Outcome(file: path, spec: spec, issues: [])
    }

    /// `root` with the value at `pointer` set (creating the last object member if needed).
    static func setting(_ root: JSONValue, at pointer: JSONPointer, to value: JSONValue) -> JSONValue? {
        guard let first = pointer.tokens.first else { return value }
        let rest = JSONPointer(Array(pointer.tokens.dropFirst()))
        switch root {
        case .object(var o):
            if rest.tokens.isEmpty { o[first] = value; return .object(o) }
            guard let child = o[first], let updated = setting(child, at: rest, to: value) else { return nil }
            o[first] = updated
            return .object(o)
        case .array(var a):
            guard let i = Int(first), i >= 0, i < a.count else { return nil }
            if rest.tokens.isEmpty { a[i] = value; return .array(a) }
            guard let updated = setting(a[i], at: rest, to: value) else { return nil }
            a[i] = updated
            return .array(a)
        default: return nil
        }
    }

    /// Method files named by `paths`: files as given, directories searched (not recursively) for
    /// `*.json` in name order. Paths that do not exist are returned in `missing`.
    public static func methodFiles(for paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = [], missing: [String] = []
        let fm = FileManager.default
        for given in paths {
            let path = resolvedPath(given)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { missing.append(path); continue }
            if isDirectory.boolValue {
                let names = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".json") }
                    .sorted()
                files += names.map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return (files, missing)
    }

    /// `path`, or — when it does not exist — the same path with its first folder matched without regard
    /// to case, so `configurations/dec.json` finds `Configurations/dec.json` (the repository keeps one
    /// folder; a second, lower-case entry would collide on case-insensitive file systems).
    public static func resolvedPath(_ path: String) -> String {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: path) else { return path }
        var components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let first = path.hasPrefix("/") ? 1 : 0
        guard components.count > first + 1 else { return path }
        let parent = path.hasPrefix("/") ? "/" : "."
        let wanted = components[first].lowercased()
        guard
            let match = ((try? fm.contentsOfDirectory(atPath: parent)) ?? []).sorted().first(where: {
                $0.lowercased() == wanted
            })
        else { return path }
        components[first] = match
        let candidate = components.joined(separator: "/")
        return fm.fileExists(atPath: candidate) ? candidate : path
    }

    /// Parses a `--set` argument `/json/pointer=value` (the value as JSON, else as a string).
    public static func parseOverride(_ text: String) -> (JSONPointer, JSONValue)? {
        guard let eq = text.firstIndex(of: "="), let pointer = JSONPointer(parsing: String(text[..<eq])),
            !pointer.tokens.isEmpty
        else { return nil }
        let raw = String(text[text.index(after: eq)...])
        let value = (try? JSONParser.parse(text: raw, file: "--set").root) ?? .string(raw)
        return (pointer, value)
    }
}
