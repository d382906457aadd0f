/// Per-column standardisation of feature vectors, x ↦ (x − mean) / std with the mean and the
/// population standard deviation of each column over all samples (scikit-learn's StandardScaler). A
/// constant column has std 0 and is only centred, so it becomes 0 rather than NaN.
public struct ColumnStandardization: Sendable, Equatable {

    public let mean: [Double]
    public let std: [Double]

    /// The statistics of `features` [N, dimension]; `name` names the data in errors.
    public init(features: [Float], dimension: Int, name: String) throws {
        guard dimension > 0, !features.isEmpty, features.count % dimension == 0 else {
            throw DataError("\(name): \(features.count) values do not form rows of \(dimension) features")
        }
        let rows = Double(features.count / dimension)
        var sum = [Double](repeating: 0, count: dimension)
        for (i, v) in features.enumerated() {
            guard v.isFinite else {
                throw DataError(
                    "\(name): sample \(i / dimension), feature \(i % dimension) is \(v); standardize needs finite values"
                )
            }
            sum[i % dimension] += Double(v)
        }
        let mean = sum.map { $0 / rows }
        var squares = [Double](repeating: 0, count: dimension)
        for (i, v) in features.enumerated() {
            let d = Double(v) - mean[i % dimension]
            squares[i % dimension] += d * d
        }
        self.mean = mean
        std = squares.map { ($0 / rows).squareRoot() }
    }

    /// Statistics kept from an earlier fit (a run's files), to scale new data as the training data was.
    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    /// `features` [N, dimension] standardised.
    public func apply(_ features: [Float]) -> [Float] {
        let dimension = mean.count
        return features.enumerated().map { i, v in
            let c = i % dimension
            return Float((Double(v) - mean[c]) / (std[c] > 0 ? std[c] : 1))
        }
    }
}

extension FeatureDataset {
    /// This dataset with every feature column standardised; `standardization` keeps the statistics.
    public func standardized() throws -> FeatureDataset {
        let statistics = try ColumnStandardization(features: features, dimension: dimension, name: name)
        return FeatureDataset(
            name: name, features: statistics.apply(features), dimension: dimension, labels: labels,
            labelNames: labelNames, standardization: statistics)
    }
}
