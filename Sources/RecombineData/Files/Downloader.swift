import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Fetches the built-in datasets from mirrors over HTTP(S). A download is accepted when its
/// decompressed content has the published SHA-256 of the original IDX file, so any faithful mirror
/// passes whatever gzip header or level it used. Both files of a split are verified before either
/// is written; each is written atomically (temporary file, then rename), and a failure leaves nothing.
public enum Downloader {
    /// SHA-256 of each decompressed IDX file. MNIST and Fashion-MNIST: the published values of the
    /// original files. USPS: the project's IDX conversion (README, "Datasets"), served only by a mirror
    /// named in `RECOMBINE_MIRROR`.
    public static let contentChecksums: [BuiltinImageDataset: [String: String]] = [
        .mnist: [
            "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        ],
        .fashionMNIST: [
            "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        ],
        .usps: [
            "train-images-idx3-ubyte": "8152227394bfd6b73adceee2c87d1b1f62aba426e35d853129d5f65b84611b43",
            "train-labels-idx1-ubyte": "ca21dd4e5a91233d38069e4f468988d3b56f6ce37e1a579a5ad1bd02395488c6",
            "t10k-images-idx3-ubyte": "cd4dab1b88f843b8f5dfba0046621ef2c685200f19bb9bb3a0d6ab36ef19745d",
            "t10k-labels-idx1-ubyte": "9d60836db74a1ffe67829f9a2546bd594d5d321f778dbca1578c041da94483a2",
        ],
    ]

    /// Base URLs tried in order; `RECOMBINE_MIRROR` (a base URL) is tried first when set.
    public static func mirrors(
        for dataset: BuiltinImageDataset,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String] {
        var list: [String] = []
        if let custom = environment["RECOMBINE_MIRROR"], !custom.isEmpty { list.append(custom) }
        switch dataset {
        case .mnist:
            list += [
                "https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/",
            ]
        case .fashionMNIST:
            list += [
                "https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            ]
        case .usps: break  // no public mirror serves these IDX files; see the README's "USPS"
        }
        return list
    }

    /// Downloads the files of a split that `directory` lacks (as `<name>.gz`, or `<name>` when a mirror
    /// serves it uncompressed) and returns the paths of both. `log` hears each download as it starts.
    public static func fetch(
        _ dataset: BuiltinImageDataset, train: Bool, into directory: String, mirrors custom: [String]? = nil,
        log: (String) -> Void = { _ in }
    ) throws -> (images: String, labels: String) {
        let (images, labels) = dataset.fileNames(train: train)
        let bases = custom ?? mirrors(for: dataset)
        var found: [String: String] = [:], downloads: [(name: String, data: Data)] = []
        for name in [images, labels] {
            if let present = [name + ".gz", name].map({ (directory as NSString).appendingPathComponent($0) }).first(
                where: FileManager.default.fileExists)
            {
                found[name] = present
                continue
            }
            guard !bases.isEmpty else {
                throw DataError(
                    "\(dataset.rawValue): no download mirror is known (set RECOMBINE_MIRROR to the base URL of one)")
            }
            downloads.append((name, try download(name, of: dataset, from: bases, log: log)))
        }
        for (name, data) in downloads {
            let path = (directory as NSString).appendingPathComponent(Gzip.isCompressed(data) ? name + ".gz" : name)
            try write(data, to: path)
            found[name] = path
        }
        return (found[images]!, found[labels]!)
    }

    /// The bytes of `<name>.gz` from the first mirror whose copy decompresses to the expected content.
    static func download(_ name: String, of dataset: BuiltinImageDataset, from bases: [String], log: (String) -> Void)
        throws -> Data
    {
        var failures: [String] = []
        for base in bases {
            let url = (base.hasSuffix("/") ? base : base + "/") + name + ".gz"
            log("Downloading \(url)")
            do {
                let data = try get(url)
                try verify(data, name: name, of: dataset, source: url)
                return data
            } catch { failures.append("\(error)") }
        }
        throw DataError("could not download \(name).gz:\n  " + failures.joined(separator: "\n  "))
    }

    /// Checks that `data` (gzip or not) decompresses to the IDX file `name` of `dataset`; the error
    /// names the source, the file and both hashes.
    public static func verify(_ data: Data, name: String, of dataset: BuiltinImageDataset, source: String) throws {
        guard let expected = contentChecksums[dataset]?[name] else {
            throw DataError("\(source): no reference SHA-256 is known for \(name)")
        }
        let content = Gzip.isCompressed(data) ? try Gzip.decompress(data, file: source) : data
        let actual = SHA256.hex(content)
        guard actual == expected else {
            throw DataError(
                "\(source): the decompressed \(name) has SHA-256 \(actual), but the original \(name) has SHA-256 \(expected)"
            )
        }
    }

    static func get(_ url: String) throws -> Data {
        guard let u = URL(string: url) else { throw DataError("\(url): not a valid URL") }
        let semaphore = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var data: Data?; var error: Error?; var status = 0 }
        let box = Box()
        // No URL cache: URLSession.shared would keep a second copy of each download on disk.
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: u) { data, response, error in
            box.data = data; box.error = error; box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            semaphore.signal()
        }
        task.resume()
        semaphore.wait()
        if let error = box.error { throw DataError("\(url): \(error.localizedDescription)") }
        guard box.status == 200, let data = box.data else { throw DataError("\(url): HTTP status \(box.status)") }
        return data
    }

    /// Writes through a hidden temporary file in the same directory and renames it into place.
    static func write(_ data: Data, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = (directory as NSString).appendingPathComponent(
            ".\((path as NSString).lastPathComponent).part-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else {
                throw DataError("\(path): cannot move the download into place (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}
