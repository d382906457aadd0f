import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches the built-in datasets from public mirrors over HTTPS, verifies SHA-256 against the
/// reference checksums, and writes atomically (temporary file + rename); a mismatch leaves nothing.
public enum Downloader {
    /// Reference SHA-256 of each file (from the project's dataset checksums).
    public static let checksums: [BuiltinImageDataset: [String: String]] = [
        .mnist: ["train-images-idx3-ubyte.gz": "12bacf187eba4f770a04d97be5dbaad9289fe5d89a89729b6af3255c8bbfa9e1",
                 "train-labels-idx1-ubyte.gz": "7f4ede8117c9f121a708539f3c1b71dc8cb827447542df31cdf7b815d0762e1f",
                 "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                 "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"],
        .fashionMNIST: ["train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"],
        .usps: ["train-images-idx3-ubyte.gz": "fbd056e0dbebe42c4ff680485a89d084e6e65ac7b6f4abaf101f690fbf7219b0",
                "train-labels-idx1-ubyte.gz": "7df76d324c20a4ff8c6558282e6ff83646e1ccbf4a34c236cbdd20f03b74da44",
                "t10k-images-idx3-ubyte.gz": "ecfe50f9d44d0cfad403c701489448076ae8b1dad010fbcfe8f2392f87ff355a",
                "t10k-labels-idx1-ubyte.gz": "da2004056231c862da5a69066ee4dd074ec53a863ba8df240652cacb29b00836"],
    ]

    /// Base URLs tried in order; `RECOMBINE_MIRROR` (a base URL) is tried first when set.
    public static func mirrors(for dataset: BuiltinImageDataset) -> [String] {
        var list: [String] = []
        if let custom = ProcessInfo.processInfo.environment["RECOMBINE_MIRROR"], !custom.isEmpty { list.append(custom) }
        switch dataset {
        case .mnist: list += ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"]
        case .fashionMNIST: list += ["https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
        case .usps: break   // no public mirror carries these IDX files; see the dataset README
        }
        return list
    }

    /// Downloads the two files of a split into `directory` unless present; returns their paths.
    public static func fetch(_ dataset: BuiltinImageDataset, train: Bool, into directory: String, mirrors custom: [String]? = nil) throws -> [String] {
        let (images, labels) = dataset.fileNames(train: train)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let bases = custom ?? mirrors(for: dataset)
        guard !bases.isEmpty else { throw DataError("\(dataset.rawValue): no download mirror is known; copy the IDX files into \(directory) or set RECOMBINE_MIRROR") }
        return try [images + ".gz", labels + ".gz"].map { file in
            let target = (directory as NSString).appendingPathComponent(file)
            if FileManager.default.fileExists(atPath: target) { return target }
            var failures: [String] = []
            for base in bases {
                let url = base.hasSuffix("/") ? base + file : base + "/" + file
                do {
                    let data = try get(url)
                    let hash = SHA256.hex(data)
                    guard hash == checksums[dataset]?[file] else { failures.append("\(url): SHA-256 \(hash) does not match the reference checksum"); continue }
                    try write(data, to: target)
                    return target
                } catch { failures.append("\(url): \(error)") }
            }
            throw DataError("could not download \(file):\n  " + failures.joined(separator: "\n  "))
        }
    }

    static func get(_ url: String) throws -> Data {
        guard let u = URL(string: url) else { throw DataError("bad URL \(url)") }
        let semaphore = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var data: Data?; var error: Error?; var status = 0 }
        let box = Box()
        let task = URLSession.shared.dataTask(with: u) { data, response, error in
            box.data = data; box.error = error; box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            semaphore.signal()
        }
        task.resume()
        semaphore.wait()
        if let error = box.error { throw DataError(error.localizedDescription) }
        guard box.status == 200, let data = box.data else { throw DataError("HTTP status \(box.status)") }
        return data
    }

    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".download-\(getpid())"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else { throw DataError("\(path): cannot move the download into place") }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}
