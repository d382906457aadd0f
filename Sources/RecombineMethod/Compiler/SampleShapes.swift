/// The shape of one sample of a dataset as the mappings see it (after the dataset's transforms),
/// when it is known from the method file alone.
public enum SampleShapes {
    static func raw(_ d: DatasetSpec) -> [Int]? {
        guard let kind = d.kind else { return nil }
        switch kind {
        case .mnist, .fashionMNIST: return [1, 28, 28]
        case .usps: return [1, 16, 16]
        case .gaussianMixture:
            guard let o = try? d.options(DatasetOptions.GaussianMixture.self) else { return nil }
            if o.preset != nil { return [2] }
            return o.means?.first.map { [$0.count] }
        case .blobs:
            guard let o = try? d.options(DatasetOptions.Blobs.self) else { return nil }
            // Given centres fix the dimension (n_features is then ignored, as in make_blobs).
            if case .given(let centers) = o.centers, let first = centers.first { return [first.count] }
            return [o.nFeatures]
        case .imageFolder:
            // Without a stated size and channels, known once the first image is read.
            return (try? ImageFolderOptions.of(d))?.statedShape
        case .idx, .csv, .npy: return nil  // known once the files are read
        }
    }

    /// `shape` after a transform chain (sizes change with Resize, crops, Pad and Grayscale).
    static func transformed(_ shape: [Int], by transforms: [TransformSpec]) -> [Int] {
        guard shape.count == 3 else { return shape }
        var s = shape
        for t in transforms {
            let a = Arguments(object: t.arguments, pointer: t.pointer)
            switch t.type {
            case "Resize":
                guard let size = t.arguments["size"] else { continue }
                if let n = size.integer {
                    // torchvision: the shorter side becomes n, the aspect ratio is kept.
                    if s[1] <= s[2] {
                        s = [s[0], n, Int(Double(n) * Double(s[2]) / Double(s[1]))]
                    } else {
                        s = [s[0], Int(Double(n) * Double(s[1]) / Double(s[2])), n]
                    }
                } else if let (h, w) = try? a.pair("size") {
                    s = [s[0], h, w]
                }
            case "CenterCrop", "RandomCrop", "RandomResizedCrop":
                if let (h, w) = try? a.pair("size") { s = [s[0], h, w] }
            case "Pad":
                if let (p, q) = try? a.pair("padding") { s = [s[0], s[1] + 2 * p, s[2] + 2 * q] }
            case "Grayscale": if let c = try? a.int("num_output_channels") { s[0] = c }
            default: continue
            }
        }
        return s
    }

    /// Transforms of a dataset (its own and its batch augmentations') that its samples cannot take
    /// (feature vectors take only element-wise transforms); empty when the shape depends on files.
    static func unfitTransforms(_ d: DatasetSpec) -> [TransformSpec] {
        guard let shape = raw(d) else { return [] }
        return ([d.transforms ?? []] + d.batchAugmentations.map(\.transforms)).compactMap { specs in
            (try? TransformFactory.pipeline(specs))?.unsupportedTransformIndex(forSampleShape: shape).map { specs[$0] }
        }
    }

    /// Whether a dataset's sample shape follows from the method file alone (false for CSV, NPY and IDX,
    /// whose shapes are checked once their files are read).
    public static func isKnownFromMethodFile(_ d: DatasetSpec) -> Bool { raw(d) != nil }

    /// The sample shape of a dataset's main batches, or nil when it depends on files.
    public static func of(_ d: DatasetSpec) -> [Int]? {
        raw(d).map { transformed($0, by: d.transforms ?? []) }
    }
}

/// Number of samples of a dataset when it is known from the method file alone.
enum SampleCounts {
    static func of(_ d: DatasetSpec) -> Int? {
        guard let kind = d.kind else { return nil }
        var n: Int?
        switch kind {
        case .mnist, .fashionMNIST, .usps:
            guard let o = try? d.options(DatasetOptions.Builtin.self) else { return nil }
            let (train, test) = kind == .usps ? (7291, 2007) : (60000, 10000)
            n = o.train ? train + (o.includeTestSplit ? test : 0) : test
        case .gaussianMixture:
            guard let o = try? d.options(DatasetOptions.GaussianMixture.self) else { return nil }
            n = o.preset != nil ? 4500 : o.numSamplesPerComponent?.reduce(0, +)
        case .blobs: n = (try? d.options(DatasetOptions.Blobs.self))?.nSamples
        case .idx, .csv, .npy, .imageFolder: n = nil
        }
        guard let total = n else { return nil }
        let first = d.firstSampleIndex ?? 0, last = Swift.min(d.lastSampleIndex ?? total - 1, total - 1)
        return Swift.max(0, last - first + 1)
    }
}
