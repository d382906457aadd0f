import RecombineData
import RecombineTensor

/// The column statistics of a dataset read with `"standardize": true`, kept in `final.safetensors` and in
/// checkpoints, so that `recombine predict` scales new data with the training data's mean and standard
/// deviation (scikit-learn's `StandardScaler.transform`) instead of feeding it unscaled.
enum StandardizationRecord {
    static let meanKey = "data/standardization/mean"
    static let stdKey = "data/standardization/std"

    /// The two tensors for `data`'s statistics, none when it was not standardised.
    static func tensors(of data: Dataset) -> [(name: String, tensor: Tensor)] {
        guard let statistics = (data as? FeatureDataset)?.standardization else { return [] }
        return [(meanKey, Tensor(statistics.mean)), (stdKey, Tensor(statistics.std))]
    }

    /// The statistics in a run file's tensors; nil when it holds none. `file` names it in errors.
    static func read(_ tensors: [String: Tensor], file: String) throws -> ColumnStandardization? {
        guard let mean = tensors[meanKey], let std = tensors[stdKey] else { return nil }
        let m = mean.toDoubleArray(), s = std.toDoubleArray()
        guard m.count == s.count, !m.isEmpty, (m + s).allSatisfy(\.isFinite), s.allSatisfy({ $0 >= 0 }) else {
            throw TrainingError(
                "\(file): its standardisation statistics are damaged (\(m.count) means, \(s.count) deviations)")
        }
        return ColumnStandardization(mean: m, std: s)
    }
}
