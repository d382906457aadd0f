import Foundation
import RecombineTensor

/// A problem reading or writing a safetensors file.
public struct SafetensorsError: Error, CustomStringConvertible {
    public let file: String
    public let message: String
    public var description: String { "\(file): \(message)" }
}

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping tensor names to dtype, shape and byte offsets (plus optional string `__metadata__`), then
/// the raw little-endian data. Weights written here load in PyTorch with `safetensors.torch.load_file`.
public enum Safetensors {
    /// Writes tensors (sorted by name) atomically: a temporary file in the same directory, then a rename.
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to path: String
    ) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let sorted = tensors.sorted { $0.name < $1.name }
        for (name, t) in sorted {
            let bytes = t.count * t.dtype.byteSize
            header[name] =
                [
                    "dtype": t.dtype == .float32 ? "F32" : "F64", "shape": t.shape,
                    "data_offsets": [offset, offset + bytes],
                ] as [String: Any]
            offset += bytes
        }
        var headerData = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while headerData.count % 8 != 0 { headerData.append(0x20) }
        var data = Data(capacity: 8 + headerData.count + offset)
        var length = UInt64(headerData.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(headerData)
        for (_, t) in sorted { data.append(Data(bytes: t.storage.raw, count: t.count * t.dtype.byteSize)) }
        try AtomicFile.write(data, to: path)
    }

    /// Reads every tensor of a file, validating the header, offsets and sizes.
    public static func read(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        func fail(_ message: String) -> SafetensorsError { SafetensorsError(file: path, message: message) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
        guard data.count >= 8 else { throw fail("too short to be a safetensors file (\(data.count) bytes)") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) {
            $0 | (UInt64($1.element) << (8 * UInt64($1.offset)))
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("header length \(headerLength) exceeds the file size")
        }
        let headerEnd = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)) as? [String: Any]
        else {
            throw fail("the header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in header {
            if name == "__metadata__" { metadata = entry as? [String: String] ?? [:]; continue }
            guard let e = entry as? [String: Any], let dtypeName = e["dtype"] as? String,
                let shape = e["shape"] as? [Int],
                let offsets = e["data_offsets"] as? [Int], offsets.count == 2
            else { throw fail("tensor '\(name)' has a malformed header entry") }
            let dtype: DType
            switch dtypeName {
            case "F32": dtype = .float32
            case "F64": dtype = .float64
            default: throw fail("tensor '\(name)' has dtype \(dtypeName); only F32 and F64 are supported")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor '\(name)' has a negative dimension in \(shape)")
            }
            let expected = shape.reduce(1, *) * dtype.byteSize
            guard offsets[0] >= 0, offsets[1] - offsets[0] == expected, headerEnd + offsets[1] <= data.count else {
                throw fail(
                    "tensor '\(name)' (\(dtypeName) \(shape)) needs \(expected) bytes at offsets \(offsets), which do not fit the file"
                )
            }
            let t = Tensor(uninitialized: shape, dtype: dtype)
            data.withUnsafeBytes { raw in
                t.storage.raw.copyMemory(from: raw.baseAddress! + headerEnd + offsets[0], byteCount: expected)
            }
            tensors[name] = t
        }
        return (tensors, metadata)
    }
}

/// Writes files so a crash never leaves a half-written file: temporary file, then rename.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw SafetensorsError(
                    file: path, message: "cannot rename the temporary file into place (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
