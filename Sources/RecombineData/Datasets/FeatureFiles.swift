import Foundation

/// Feature matrices from CSV and NumPy .npy files.
public enum FeatureFiles {
    /// A CSV file (RFC 4180, see `CSVReader`) of numeric columns, one sample per row. `header` nil
    /// detects a header: a first row with a non-numeric field outside the label column, or any
    /// label column given by name. `labelColumn` is taken out as labels, which may be text
    /// (`TextLabels`: the mapping is kept in `labelNames`); `labelsPath` (one integer per line, or
    /// .npy) replaces them. Errors name file:line:column.
    public static func csv(
        path: String, delimiter: Character = ",", header: Bool? = nil, labelColumn: CSVColumn? = nil,
        labelsPath: String? = nil, name: String
    ) throws -> FeatureDataset {
        let reader = try CSVReader(path: path, delimiter: delimiter)
        var names: [String] = [], labelIndex: Int? = nil
        var features: [Float] = [], labelTexts: [String] = [], rows = 0
        func location(_ record: CSVRecord, _ field: Int) -> String {
            "\(path):\(record.positions[field].line):\(record.positions[field].column)"
        }
        try reader.forEachRecord { record in
            if names.isEmpty {
                let fields = record.fields
                let hasHeader: Bool
                switch (header, labelColumn) {
                case (let explicit?, _): hasHeader = explicit
                case (nil, .name?): hasHeader = true
                case (nil, .index(let skipped)?):
                    hasHeader = fields.indices.contains { $0 != skipped && Float(fields[$0]) == nil }
                case (nil, nil): hasHeader = fields.contains { Float($0) == nil }
                }
                names = hasHeader ? fields : fields.indices.map(String.init)
                switch labelColumn {
                case .index(let i)?: labelIndex = i
                case .name(let n)?:
                    guard hasHeader else {
                        throw DataError(
                            "\(path): the label column is given by name ('\(n)'), but the file has no header row; give its index"
                        )
                    }
                    labelIndex = fields.firstIndex(of: n)
                case nil: break
                }
                if let labelColumn, labelIndex.map({ !names.indices.contains($0) }) ?? true {
                    throw DataError(
                        "\(path): no label column \(labelColumn) (columns: \(names.joined(separator: ", ")))")
                }
                guard names.count > (labelIndex == nil ? 0 : 1) else {
                    throw DataError("\(path):\(record.line): no feature column besides the label column")
                }
                if hasHeader { return }
            }
            guard record.fields.count == names.count else {
                throw DataError(
                    "\(path):\(record.line): \(record.fields.count) fields, expected \(names.count) as in the first row"
                )
            }
            for (c, field) in record.fields.enumerated() {
                if c == labelIndex {
                    guard !field.isEmpty else { throw DataError("\(location(record, c)): empty label") }
                    labelTexts.append(field)
                    continue
                }
                guard let value = Float(field), value.isFinite else {
                    let problem =
                        field.isEmpty
                        ? "empty field (missing values are not supported)"
                        : Float(field) == nil ? "'\(field)' is not a number" : "'\(field)' is not a finite number"
                    throw DataError("\(location(record, c)): \(problem) in column '\(names[c])'")
                }
                features.append(value)
            }
            rows += 1
        }
        guard rows > 0 else { throw DataError("\(path): no data rows") }
        let labels = labelIndex == nil ? nil : TextLabels(labelTexts)
        let width = names.count - (labelIndex == nil ? 0 : 1)
        if let labelsPath {
            return FeatureDataset(
                name: name, features: features, dimension: width, labels: try labelFile(labelsPath, expected: rows))
        }
        return FeatureDataset(
            name: name, features: features, dimension: width, labels: labels?.values, labelNames: labels?.names)
    }

    /// Labels for `expected` samples: an .npy array, an IDX labels file (gzip or not), or one integer per line.
    static func labelFile(_ path: String, expected: Int) throws -> [Int] {
        let labels: [Int]
        if let binary = try binaryLabels(path) {
            labels = binary
        } else {
            guard let text = String(data: try FileContents.read(path), encoding: .utf8) else {
                throw DataError("\(path): not UTF-8 text")
            }
            labels = try text.split(whereSeparator: \.isNewline).map { line in
                guard let v = Int(line.trimmingCharacters(in: .whitespaces)) else {
                    throw DataError("\(path): '\(line)' is not an integer label")
                }
                return v
            }
        }
        guard labels.count == expected else {
            throw DataError("\(path): \(labels.count) labels for \(expected) samples")
        }
        return labels
    }

    /// The labels of an .npy vector (integers, in any dtype) or an IDX labels file (gzip or not, as
    /// MNIST's); nil when `path` is neither, so that callers can read it as text.
    public static func binaryLabels(_ path: String) throws -> [Int]? {
        if path.hasSuffix(".npy") {
            let (shape, values) = try npy(path)
            guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
                throw DataError("\(path): expected labels of shape [N] or [N, 1], found \(shape)")
            }
            return try values.enumerated().map { index, value in
                guard let label = Int(exactly: value) else {
                    throw DataError("\(path): label \(index) is \(value), not an integer")
                }
                return label
            }
        }
        if let idx = try? IDXArray.read(path), idx.dimensions.count == 1 { return idx.bytes.map(Int.init) }
        return nil
    }

    /// An .npy array (format 1.0–3.0, little-endian, C order) of float32, float64, uint8 or integers.
    public static func npy(_ path: String) throws -> (shape: [Int], values: [Double]) {
        let data = try FileContents.read(path)
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw DataError("\(path): not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerLength =
            major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let start = major == 1 ? 10 : 12
        guard bytes.count >= start + headerLength else { throw DataError("\(path): truncated .npy header") }
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        func field(_ key: String) -> String? {
            guard let r = header.range(of: "'\(key)':") else { return nil }
            return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descr = field("descr")?.split(separator: "'").first.map(String.init) else {
            throw DataError("\(path): .npy header without descr")
        }
        if field("fortran_order")?.hasPrefix("True") == true {
            throw DataError("\(path): Fortran-ordered arrays are not supported; save with np.ascontiguousarray")
        }
        guard let shapeText = field("shape"), let open = shapeText.firstIndex(of: "("),
            let close = shapeText.firstIndex(of: ")")
        else { throw DataError("\(path): .npy header without shape") }
        let shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let count = shape.reduce(1, *), payload = Array(bytes[(start + headerLength)...])
        func read<T>(_: T.Type, _ convert: (T) -> Double) throws -> [Double] {
            guard payload.count >= count * MemoryLayout<T>.size else {
                throw DataError("\(path): \(payload.count) data bytes for \(count) values of \(descr)")
            }
            return payload.withUnsafeBytes { raw in
                (0..<count).map { convert(raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
            }
        }
        let values: [Double]
        switch descr {
        case "<f4": values = try read(Float.self) { Double($0) }
        case "<f8": values = try read(Double.self) { $0 }
        case "|u1", "<u1": values = try read(UInt8.self) { Double($0) }
        case "<i8": values = try read(Int64.self) { Double($0) }
        case "<i4": values = try read(Int32.self) { Double($0) }
        default: throw DataError("\(path): dtype \(descr) is not supported (float32, float64, uint8, int32, int64)")
        }
        return (shape, values)
    }

    /// Samples [N, …] from an .npy file (rows flattened to vectors, uint8 kept as 0–255), with optional labels.
    public static func npyDataset(path: String, labelsPath: String?, name: String) throws -> FeatureDataset {
        let (shape, values) = try npy(path)
        guard shape.count >= 2, let n = shape.first, n > 0 else {
            throw DataError("\(path): expected an array [N, features…], found shape \(shape)")
        }
        let features = values.map(Float.init), dimension = values.count / n
        if let i = features.firstIndex(where: { !$0.isFinite }) {
            throw DataError(
                "\(path): sample \(i / dimension), feature \(i % dimension) is \(values[i])\(values[i].isFinite ? ", beyond float32's range" : ""); the samples must be finite"
            )
        }
        let labels = try labelsPath.map { try labelFile($0, expected: n) }
        return FeatureDataset(name: name, features: features, dimension: dimension, labels: labels)
    }
}
