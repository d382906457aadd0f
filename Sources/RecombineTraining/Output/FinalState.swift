import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor

/// `final.safetensors`: what a finished dataset leaves for `recombine predict` and the report —
/// every mapping's weights, the centroids (strategy or k-means), the predicted cluster of every
/// sample, the labels, the features of a sample of at most `sampleLimit` points (for the PCA/t-SNE
/// scatter) and, for image data, the images nearest each cluster's centre.
enum FinalState {
    static let fileName = "final.safetensors"
    /// Points kept for the embedding plots (exact t-SNE is quadratic in this number).
    static let sampleLimit = 3000
    /// Images kept per cluster for the nearest-images grid.
    static let imagesPerCluster = 8

    /// The cluster of every sample at the end of a dataset, with the features they were assigned from.
    struct Assignments {
        let predictions: [Int]
        /// The feature extractor's output for every sample [N, D] (nil for strategies without one).
        let features: Tensor?
    }

    /// Writes the file and returns the predicted cluster of every sample, or nil when the strategy
    /// cannot assign at the end of this dataset (a centroid strategy whose centroids only a later
    /// dataset's phases initialise): then the file holds the weights, labels and features only.
    @discardableResult
    static func write(
        directory: String, method: MethodSpec, dataset: DatasetContext, mappings: MappingSet,
        strategy: ClusterAssignment
    ) throws -> Assignments? {
        let data = dataset.data, k = dataset.spec.numClusters
        mappings.train(false)
        defer { mappings.train(true) }
        var tensors: [(name: String, tensor: Tensor)] = []
        for mapping in mappings.mappings {
            for (name, t) in mapping.stateDict() { tensors.append(("mapping/\(mapping.name)/\(name)", t.detached())) }
        }
        tensors += StandardizationRecord.tensors(of: data)
        let hasFeatures = strategy.featureExtractor != nil
        let features: Tensor? = hasFeatures ? strategy.allFeatures(data, pipeline: dataset.main) : nil
        var g = RandomGenerator(seed: dataset.seed)
        let sample =
            data.count <= sampleLimit
            ? Array(0..<data.count) : Array(g.permutation(data.count).prefix(sampleLimit)).sorted()
        var metadata = [
            "dataset": dataset.spec.name, "num_clusters": String(k), "strategy": method.strategy.kind.rawValue,
            "method": method.name,
            "sample_shape": data.sampleShape.map(String.init).joined(separator: ","),
        ]
        if let labels = data.labels { tensors.append(("analysis/labels", Tensor(labels.map(Double.init)))) }
        guard strategy.canAssign else {
            if let z = features {
                tensors.append(("analysis/sample_indices", Tensor(sample.map(Double.init))))
                tensors.append(("analysis/features", z.indexSelect(axis: 0, indices: sample).to(.float32).detached()))
            }
            metadata["predictions"] = "none: no centroids at the end of this dataset"
            try Safetensors.write(
                tensors, metadata: metadata, to: (directory as NSString).appendingPathComponent(fileName))
            return nil
        }
        var predictions: [Int]
        // Scores [N, K]: larger is closer to the cluster (for picking representative samples).
        var scores: Tensor
        if method.strategy.kind == .classicalClusteringAfterPhase, let z = features {
            let fit = try KMeans(
                k: k, nInit: method.strategy.classicalClusteringAfterPhaseNumRestarts, seed: dataset.seed,
                processes: strategy.group
            ).fit(z)
            predictions = fit.labels
            let centers = Tensor(fit.centers, shape: [k, z.shape[1]])
            tensors.append(("kmeans/centroids", centers))
            scores = Tensor.pairwiseSquaredDistances(z, centers) * -1.0
        } else {
            let q = try DatasetSweep(dataset: dataset, mappings: mappings, strategy: strategy).softAssignments()
            predictions = q.argmax(axis: 1)
            scores = q
            if let c = strategy.centroids, let z = features {
                scores = Tensor.pairwiseSquaredDistances(z, c.detached()) * -1.0
            }
        }
        if let c = strategy.centroids { tensors.append(("strategy/centroids", c.detached())) }
        tensors.append(("analysis/predictions", Tensor(predictions.map(Double.init))))
        tensors.append(("analysis/sample_indices", Tensor(sample.map(Double.init))))
        let embedding = features ?? scores
        tensors.append(("analysis/features", embedding.indexSelect(axis: 0, indices: sample).to(.float32).detached()))
        if data.isImageData {
            let nearest = representatives(scores: scores, predictions: predictions, k: k)
            let flat = nearest.flatMap { $0 }
            if !flat.isEmpty {
                tensors.append(("analysis/nearest_images", data.batch(flat)))
                metadata["nearest_counts"] = nearest.map { String($0.count) }.joined(separator: ",")
            }
        }
        try Safetensors.write(tensors, metadata: metadata, to: (directory as NSString).appendingPathComponent(fileName))
        return Assignments(predictions: predictions, features: features)
    }

    /// For each cluster, up to `imagesPerCluster` samples assigned to it with the highest score.
    static func representatives(scores: Tensor, predictions: [Int], k: Int) -> [[Int]] {
        let s = scores.to(.float64).toDoubleArray(), width = scores.shape[1]
        var members = Array(repeating: [(Double, Int)](), count: k)
        for (i, c) in predictions.enumerated() where c < k { members[c].append((s[i * width + c], i)) }
        return members.map { Array($0.sorted { $0.0 > $1.0 }.prefix(imagesPerCluster).map(\.1)) }
    }
}
