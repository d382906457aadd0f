import ArgumentParser
import Foundation
import RecombineClustering
import RecombineData
import RecombineTensor

/// `recombine-bench kmeans`: k-means against scikit-learn's `KMeans(algorithm="lloyd")`.
struct KMeansBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans",
        abstract:
            "k-means on MNIST (60000×784; n_init 1 and 10) and a 70000×10 embedding-sized matrix, side by side with scikit-learn."
    )

    @Option(help: "Threads (default: OPENBLAS_NUM_THREADS or all cores).") var threads: Int?
    @Option(name: .customLong("data-root"), help: "Directory with mnist/ (then RECOMBINE_DATA, then the user cache).")
    var dataRoot: String?
    @Flag(help: "Print one JSON array.") var json = false
    @Flag(name: .customLong("no-sklearn"), help: "Skip scikit-learn.") var noSklearn = false
    @Flag(
        name: .customLong("no-bounds"),
        help: "Full assignment passes instead of Hamerly's bounds (the earlier algorithm, for before/after).")
    var noBounds = false

    func run() throws {
        Threads.set(threads ?? Threads.count)
        var cases: [(name: String, data: Tensor, nInit: Int)] = []
        if let mnist = try? BuiltinImageDataset.mnist.load(
            train: true, root: nil, locations: DataLocations(dataRoot: dataRoot))
        {
            let x = mnist.batch(Array(0..<mnist.count)).flattened(startDim: 1)
            cases += [("mnist_k10_ninit1", x, 1), ("mnist_k10_ninit10", x, 10)]
        } else {
            FileHandle.standardError.write(
                Data("MNIST not found (set RECOMBINE_DATA or --data-root): skipping the MNIST cases\n".utf8))
        }
        var g = RandomGenerator(seed: 5)
        let centres = (0..<10).map { _ in (0..<10).map { _ in 8 * (g.nextDouble() - 0.5) } }
        let embedding = SyntheticDatasets.blobs(
            samples: 70000, features: 10, centers: centres, centerCount: 10, std: 1.5, box: (0, 0), seed: 6)
        cases.append(("embedding_70000x10_k10", Tensor(embedding.features, shape: [70000, 10]), 10))
        var rows: [[String: Any]] = []
        for c in cases {
            let start = Date()
            let result = try KMeans(k: 10, nInit: c.nInit, maxIterations: 300, seed: 0, usesBounds: !noBounds).fit(
                c.data)
            let ours = Date().timeIntervalSince(start)
            var row: [String: Any] = [
                "case": c.name, "ours_s": ours, "ours_inertia": result.inertia, "ours_iterations": result.iterations,
                "threads": Threads.count,
            ]
            if !noSklearn, let (seconds, inertia) = try sklearn(c.data, nInit: c.nInit) {
                row["sklearn_s"] = seconds; row["sklearn_inertia"] = inertia; row["ratio"] = ours / seconds
            }
            rows.append(row)
            if !json {
                func f(_ k: String, _ fmt: String) -> String {
                    (row[k] as? Double).map { String(format: fmt, $0) } ?? "-"
                }
                print(
                    "\(c.name.padding(toLength: 24, withPad: " ", startingAt: 0)) ours \(f("ours_s", "%7.2f")) s  scikit-learn \(f("sklearn_s", "%7.2f")) s  ratio \(f("ratio", "%5.2f"))  inertia \(f("ours_inertia", "%.6g")) vs \(f("sklearn_inertia", "%.6g"))"
                )
            }
        }
        if json {
            print(
                String(
                    decoding: try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys]),
                    as: UTF8.self))
        }
    }

    /// scikit-learn's time and inertia on the same float32 data (written to a temporary .npy).
    func sklearn(_ x: Tensor, nInit: Int) throws -> (Double, Double)? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kmeans-bench-\(getpid()).npy")
        defer { try? FileManager.default.removeItem(at: file) }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(x.shape[0]), \(x.shape[1])), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data(
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
        data.append(Data(header.utf8))
        data.append(Data(bytes: x.floats, count: x.count * 4))
        try data.write(to: file)
        let script =
            "import sys,time,numpy as np;from sklearn.cluster import KMeans;x=np.load(sys.argv[1]);t=time.time();k=KMeans(10,n_init=\(nInit),max_iter=300,algorithm='lloyd',random_state=0).fit(x);print(time.time()-t,k.inertia_)"
        let p = Process(); p.executableURL = URL(fileURLWithPath: "/usr/bin/env");
        p.arguments = ["python3", "-c", script, file.path]
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = String(Threads.count);
        environment["OPENBLAS_NUM_THREADS"] = String(Threads.count)
        p.environment = environment
        let out = Pipe(); p.standardOutput = out; p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let parts = text.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return p.terminationStatus == 0 && parts.count == 2 ? (parts[0], parts[1]) : nil
    }
}

/// `recombine-bench augment`: the cost of two augmented views of a batch relative to a training step.
struct AugmentBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Two augmented views of a 256-image 28×28 batch, against a DEC autoencoder training step."
    )

    /// The batch augmentations of a method file.
    enum Views: String, CaseIterable, ExpressibleByArgument {
        /// dec_cc_hybrid.json: RandomResizedCrop (scale 0.75–1, ratio 0.75–1.333), RandomAffine (±20°).
        case cropAffine = "crop_affine"
        /// dec_cc_hybrid_fashion_mnist.json: RandomPerspective (0.2, p 1), RandomAffine (translate 0.1,
        /// scale 0.75–1.25), ColorJitter (brightness 0.7–1.15, contrast 0.85–1.15).
        case perspectiveAffineJitter = "perspective_affine_jitter"

        var pipeline: TransformPipeline {
            switch self {
            case .cropAffine:
                TransformPipeline([
                    RandomResizedCrop(size: (28, 28), scale: (0.75, 1), ratio: (0.75, 1.333)),
                    RandomAffine(degrees: (-20, 20)), ToTensor(),
                ])
            case .perspectiveAffineJitter:
                TransformPipeline([
                    RandomPerspective(distortionScale: 0.2, p: 1),
                    RandomAffine(degrees: (0, 0), translate: (0.1, 0.1), scale: (0.75, 1.25)),
                    ColorJitter(brightness: (0.7, 1.15), contrast: (0.85, 1.15)), ToTensor(),
                ])
            }
        }
    }

    @Option(help: "Threads.") var threads: Int?
    @Option(help: "Timed repetitions.") var steps: Int = 50
    @Option(
        help:
            "The views: \(Views.allCases.map(\.rawValue).joined(separator: ", ")) (dec_cc_hybrid.json's, dec_cc_hybrid_fashion_mnist.json's)."
    ) var views: Views = .cropAffine

    func run() throws {
        Threads.set(threads ?? Threads.count)
        var g = RandomGenerator(seed: 1)
        let pixels = (0..<(60000 * 784 / 60)).map { _ in UInt8(g.nextInt(below: 256)) }
        let data = ImageDataset(name: "random", pixels: pixels, sampleShape: [1, 28, 28], labels: nil)
        let pipeline = views.pipeline
        let indices = Array(0..<256)
        var times: [Double] = []
        for i in 0..<(steps + 5) {
            let t = milliseconds {
                _ = pipeline.batch(data, indices, seed: 1, epoch: 1, batchIndex: 2 * i)
                _ = pipeline.batch(data, indices, seed: 2, epoch: 1, batchIndex: 2 * i + 1)
            }
            if i >= 5 { times.append(t) }
        }
        let step = BenchmarkCases.decAE(batch: 256)
        for _ in 0..<5 { try step.step() }
        let stepMs = median(try (0..<20).map { _ in try milliseconds(step.step) })
        let augmentMs = median(times)
        print(
            String(
                format:
                    "two augmented views of 256 images: %.2f ms; DEC AE training step: %.2f ms; ratio %.1f%% (target < 10%%)",
                augmentMs, stepMs, 100 * augmentMs / stepMs))
    }
}
