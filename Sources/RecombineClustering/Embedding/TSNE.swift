import CBLASLAPACKE
import Foundation
import RecombineTensor

/// Exact t-SNE (van der Maaten & Hinton, 2008) to two dimensions, for plots of at most a few thousand
/// points: inputs above 50 dimensions are first reduced by PCA; conditional probabilities are found by
/// a binary search on each point's precision to match `perplexity`; the embedding starts from the
/// PCA projection scaled to a standard deviation of 1e-4 and follows gradient descent with momentum
/// (0.5, then 0.8), per-coordinate gains (+0.2 / ×0.8, at least 0.01) and early exaggeration for the
/// first 250 iterations — scikit-learn's `TSNE(method="exact", init="pca", learning_rate="auto")`.
public struct TSNE: Sendable {
    public var perplexity = 30.0
    public var earlyExaggeration = 12.0
    public var iterations = 1000
    public var exaggerationIterations = 250
    /// nil: scikit-learn's "auto", max(n / earlyExaggeration / 4, 50).
    public var learningRate: Double? = nil

    public init(perplexity: Double = 30, iterations: Int = 1000) {
        self.perplexity = perplexity; self.iterations = iterations
    }

    /// The embedding [n, 2] and the final Kullback–Leibler divergence KL(P ‖ Q).
    public func embed(_ data: Tensor) throws -> (embedding: Tensor, klDivergence: Double) {
        precondition(data.rank == 2, "t-SNE expects [n, d], got \(data.shape)")
        let n = data.shape[0]
        guard n >= 4 else { throw ClusteringError("t-SNE needs at least 4 points, got \(n)") }
        guard perplexity > 0, perplexity < Double(n) else {
            throw ClusteringError("t-SNE: perplexity \(perplexity) must be in (0, \(n))")
        }
        let reduced = data.shape[1] > 50 ? try PCA(data: data, components: 50).transform(data) : data
        let p = jointProbabilities(
            squaredDistances(reduced.to(.float64).toDoubleArray(), n: n, d: reduced.shape[1]), n: n)
        var y = try initialEmbedding(data, n: n)
        let kl = optimize(p, &y, n: n)
        return (Tensor(doubles: y, shape: [n, 2], dtype: .float64), kl)
    }

    func squaredDistances(_ x: [Double], n: Int, d: Int) -> [Double] {
        var gram = [Double](repeating: 0, count: n * n)
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(d), 1, x, Int32(d), x, Int32(d), 0,
            &gram, Int32(n))
        let norms = (0..<n).map { gram[$0 * n + $0] }
        for i in 0..<n { for j in 0..<n { gram[i * n + j] = Swift.max(0, norms[i] + norms[j] - 2 * gram[i * n + j]) } }
        return gram
    }

    /// Symmetrised P: p_ij = (p_j|i + p_i|j) / 2n, each row's precision found by bisection so that the
    /// row's entropy is log(perplexity).
    func jointProbabilities(_ distances: [Double], n: Int) -> [Double] {
        var conditional = [Double](repeating: 0, count: n * n)
        let target = Foundation.log(perplexity)
        conditional.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            parallelRanges(n, grain: 16) { rows in
                for i in rows {
                    var beta = 1.0, lo = -Double.infinity, hi = Double.infinity
                    let row = base + i * n
                    for _ in 0..<100 {
                        var sum = 0.0, weighted = 0.0
                        for j in 0..<n where j != i {
                            let v = Foundation.exp(-distances[i * n + j] * beta)
                            row[j] = v; sum += v; weighted += distances[i * n + j] * v
                        }
                        row[i] = 0
                        sum = Swift.max(sum, 1e-300)
                        let entropy = Foundation.log(sum) + beta * weighted / sum
                        for j in 0..<n { row[j] /= sum }
                        let gap = entropy - target
                        if Swift.abs(gap) < 1e-5 { break }
                        if gap > 0 {
                            lo = beta; beta = hi.isFinite ? (beta + hi) / 2 : beta * 2
                        } else {
                            hi = beta; beta = lo.isFinite ? (beta + lo) / 2 : beta / 2
                        }
                    }
                }
            }
        }
        var p = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                p[i * n + j] = Swift.max((conditional[i * n + j] + conditional[j * n + i]) / Double(2 * n), 1e-12)
            }
        }
        for i in 0..<n { p[i * n + i] = 0 }
        return p
    }

    func initialEmbedding(_ data: Tensor, n: Int) throws -> [Double] {
        let projected = try PCA(data: data, components: 2).transform(data).to(.float64).toDoubleArray()
        var y =
            projected.count == 2 * n ? projected : projected + [Double](repeating: 0, count: 2 * n - projected.count)
        let first = stride(from: 0, to: 2 * n, by: 2).map { y[$0] }
        let mean = first.reduce(0, +) / Double(n)
        let std = (first.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
        let scale = std > 0 ? 1e-4 / std : 1
        for i in y.indices { y[i] *= scale }
        return y
    }

    /// Gradient descent on KL(P ‖ Q); returns the final divergence.
    func optimize(_ p: [Double], _ y: inout [Double], n: Int) -> Double {
        let rate = learningRate ?? Swift.max(Double(n) / earlyExaggeration / 4, 50)
        var update = [Double](repeating: 0, count: 2 * n), gains = [Double](repeating: 1, count: 2 * n)
        var gradient = [Double](repeating: 0, count: 2 * n)
        var kernel = [Double](repeating: 0, count: n * n)
        var kl = 0.0
        for iteration in 0..<iterations {
            let exaggerated = iteration < exaggerationIterations
            let exaggeration = exaggerated ? earlyExaggeration : 1, momentum = exaggerated ? 0.5 : 0.8
            let z = studentKernel(y, &kernel, n: n)
            gradient.withUnsafeMutableBufferPointer { g in
                let gp = g.baseAddress!
                kernel.withUnsafeBufferPointer { k in
                    parallelRanges(n, grain: 32) { rows in
                        for i in rows {
                            var gx = 0.0, gy = 0.0
                            let yi0 = y[2 * i], yi1 = y[2 * i + 1]
                            for j in 0..<n where j != i {
                                let w = k[i * n + j]
                                let m = (exaggeration * p[i * n + j] - w / z) * w
                                gx += m * (yi0 - y[2 * j]); gy += m * (yi1 - y[2 * j + 1])
                            }
                            gp[2 * i] = 4 * gx; gp[2 * i + 1] = 4 * gy
                        }
                    }
                }
            }
            for c in 0..<(2 * n) {
                let sameDirection = (gradient[c] > 0) == (update[c] > 0)
                gains[c] = Swift.max(sameDirection ? gains[c] * 0.8 : gains[c] + 0.2, 0.01)
                update[c] = momentum * update[c] - rate * gains[c] * gradient[c]
                y[c] += update[c]
            }
            if iteration == iterations - 1 {
                let z = studentKernel(y, &kernel, n: n)
                kl = 0
                for i in 0..<n {
                    for j in 0..<n where j != i && p[i * n + j] > 0 {
                        kl += p[i * n + j] * Foundation.log(p[i * n + j] / Swift.max(kernel[i * n + j] / z, 1e-300))
                    }
                }
            }
        }
        return kl
    }

    /// Fills `kernel` with 1 / (1 + ‖y_i − y_j‖²) (0 on the diagonal) and returns its sum.
    func studentKernel(_ y: [Double], _ kernel: inout [Double], n: Int) -> Double {
        var partial = [Double](repeating: 0, count: n)
        kernel.withUnsafeMutableBufferPointer { k in
            let kp = k.baseAddress!
            partial.withUnsafeMutableBufferPointer { s in
                let sp = s.baseAddress!
                parallelRanges(n, grain: 32) { rows in
                    for i in rows {
                        var sum = 0.0
                        let yi0 = y[2 * i], yi1 = y[2 * i + 1]
                        for j in 0..<n {
                            let dx = yi0 - y[2 * j], dy = yi1 - y[2 * j + 1]
                            let w = j == i ? 0 : 1 / (1 + dx * dx + dy * dy)
                            kp[i * n + j] = w; sum += w
                        }
                        sp[i] = sum
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }
}
