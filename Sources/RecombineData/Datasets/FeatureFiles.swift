import Foundation

/// Feature matrices from CSV and NumPy .npy files.
public enum FeatureFiles {
    /// A CSV of numeric rows. `labelColumn` (index or header name) is taken out as labels;
    /// `header` nil detects a non-numeric first row. Empty lines are skipped.
    public static func csv(path: String, delimiter: Character = ",", header: Bool? = nil, labelColumn: String? = nil,
                           labelsPath: String? = nil, name: String) throws -> FeatureDataset {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw DataError("\(path): cannot read the file") }
        var rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: delimiter, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
        rows.removeAll { $0.count == 1 && $0[0].isEmpty }
        guard let first = rows.first else { throw DataError("\(path): the file has no rows") }
        let hasHeader = header ?? first.contains { Double($0) == nil }
        let names = hasHeader ? first : (0..<first.count).map(String.init)
        if hasHeader { rows.removeFirst() }
        var labelIndex: Int? = nil
        if let labelColumn {
            labelIndex = Int(labelColumn) ?? names.firstIndex(of: labelColumn)
            guard let i = labelIndex, i >= 0, i < names.count else {
                throw DataError("\(path): no label column '\(labelColumn)' (columns: \(names.joined(separator: ", ")))")
            }
        }
        var features: [Float] = [], labels: [Int] = []
        let width = names.count - (labelIndex == nil ? 0 : 1)
        for (r, row) in rows.enumerated() {
            guard row.count == names.count else { throw DataError("\(path):\(r + 1 + (hasHeader ? 1 : 0)): \(row.count) fields, expected \(names.count)") }
            for (c, field) in row.enumerated() {
                if c == labelIndex {
                    guard let l = Int(field) ?? Double(field).map({ Int($0) }) else { throw DataError("\(path):\(r + 1 + (hasHeader ? 1 : 0)): label '\(field)' is not an integer") }
                    labels.append(l)
                } else {
                    guard let v = Float(field) else { throw DataError("\(path):\(r + 1 + (hasHeader ? 1 : 0)): '\(field)' in column \(names[c]) is not a number") }
                    features.append(v)
                }
            }
        }
        guard !rows.isEmpty, width > 0 else { throw DataError("\(path): no numeric data") }
        var finalLabels: [Int]? = labelIndex == nil ? nil : labels
        if let labelsPath { finalLabels = try labelFile(labelsPath, expected: rows.count) }
        return FeatureDataset(name: name, features: features, dimension: width, labels: finalLabels)
    }

    static func labelFile(_ path: String, expected: Int) throws -> [Int] {
        let labels: [Int]
        if path.hasSuffix(".npy") { labels = try npy(path).values.map { Int($0) } }
        else {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw DataError("\(path): cannot read the file") }
            labels = try text.split(whereSeparator: \.isNewline).map { line in
                guard let v = Int(line.trimmingCharacters(in: .whitespaces)) else { throw DataError("\(path): '\(line)' is not an integer label") }
                return v
            }
        }
        guard labels.count == expected else { throw DataError("\(path): \(labels.count) labels for \(expected) samples") }
        return labels
    }

    /// An .npy array (format 1.0–3.0, little-endian, C order) of float32, float64, uint8 or integers.
    public static func npy(_ path: String) throws -> (shape: [Int], values: [Double]) {
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError("\(path): cannot read the file") }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else { throw DataError("\(path): not a .npy file (bad magic)") }
        let major = bytes[6]
        let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8 : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let start = major == 1 ? 10 : 12
        guard bytes.count >= start + headerLength else { throw DataError("\(path): truncated .npy header") }
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        func field(_ key: String) -> String? {
            guard let r = header.range(of: "'\(key)':") else { return nil }
            return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descr = field("descr")?.split(separator: "'").first.map(String.init) else { throw DataError("\(path): .npy header without descr") }
        if field("fortran_order")?.hasPrefix("True") == true { throw DataError("\(path): Fortran-ordered arrays are not supported; save with np.ascontiguousarray") }
        guard let shapeText = field("shape"), let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else { throw DataError("\(path): .npy header without shape") }
        let shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *), payload = Array(bytes[(start + headerLength)...])
        func read<T>(_: T.Type, _ convert: (T) -> Double) throws -> [Double] {
            guard payload.count >= count * MemoryLayout<T>.size else { throw DataError("\(path): \(payload.count) data bytes for \(count) values of \(descr)") }
            return payload.withUnsafeBytes { raw in (0..<count).map { convert(raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) } }
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
        guard shape.count >= 2, let n = shape.first, n > 0 else { throw DataError("\(path): expected an array [N, features…], found shape \(shape)") }
        let labels = try labelsPath.map { try labelFile($0, expected: n) }
        return FeatureDataset(name: name, features: values.map(Float.init), dimension: values.count / n, labels: labels)
    }
}
