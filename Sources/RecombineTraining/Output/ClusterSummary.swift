import RecombineClustering
import RecombineRunFiles
import RecombineTensor

/// How a dataset's samples fall into clusters at the end of training, judged without labels: the size
/// of every cluster and the silhouette score of the features they were assigned from (for unlabelled
/// data the only measure of the clustering). `result.json`'s `clusters`.
public struct ClusterSummary: Sendable {
    /// Samples of the silhouette score (it is quadratic in them; scikit-learn's `sample_size`).
    static let silhouetteSampleSize = 5000

    public let dataset: String
    /// Samples per cluster 0..<num_clusters.
    public let sizes: [Int]
    /// Silhouette score of the features (Euclidean), nil without features or when it is undefined.
    public let silhouette: Double?
    /// Samples the silhouette score was computed on.
    public let silhouetteSamples: Int?

    init(dataset: String, assignments: FinalState.Assignments, numClusters: Int, seed: UInt64) {
        self.dataset = dataset
        var sizes = [Int](repeating: 0, count: numClusters)
        for c in assignments.predictions where c >= 0 && c < numClusters { sizes[c] += 1 }
        self.sizes = sizes
        if let z = assignments.features, z.rank == 2 {
            let n = assignments.predictions.count
            silhouette = Silhouette.score(
                features: z.to(.float32).toFloatArray(), dimension: z.shape[1], labels: assignments.predictions,
                sampleSize: n > Self.silhouetteSampleSize ? Self.silhouetteSampleSize : nil, seed: seed)
            silhouetteSamples = silhouette == nil ? nil : Swift.min(n, Self.silhouetteSampleSize)
        } else {
            silhouette = nil
            silhouetteSamples = nil
        }
    }

    /// As `result.json`'s `clusters` holds it (the silhouette with its sample count, or neither).
    var clusters: ResultFile.Clusters {
        let scored = silhouette != nil && silhouetteSamples != nil
        return ResultFile.Clusters(
            dataset: dataset, sizes: sizes, silhouette: scored ? silhouette : nil,
            silhouetteSamples: scored ? silhouetteSamples : nil)
    }
}
