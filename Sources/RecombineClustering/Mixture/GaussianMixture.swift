import CBLASLAPACKE
import Foundation
import RecombineTensor

/// A mixture of Gaussians with full covariances fitted by expectation–maximisation, as scikit-learn's
/// `GaussianMixture(covariance_type="full")`: each restart starts from the one-hot responsibilities of a
/// seeded k-means (one k-means++ run), adds `covarianceRegularization` to every covariance's diagonal,
/// and alternates E- and M-steps until the mean log-likelihood per sample changes by less than
/// `tolerance`; the restart with the highest mean log-likelihood wins, and its labels come from a final
/// E-step (the most responsible component). Unlike k-means it separates clusters that are elongated or
/// of different spreads.
public struct GaussianMixture: Sendable {
    public let components: Int
    /// EM runs from different k-means starts; the best by mean log-likelihood is kept (scikit-learn's n_init).
    public var restarts: Int = 1
    public var maxIterations: Int = 100
    /// Stop when the mean log-likelihood per sample changes by less than this (scikit-learn's tol).
    public var tolerance: Double = 1e-3
    /// Added to each covariance's diagonal, keeping it positive definite (scikit-learn's reg_covar).
    public var covarianceRegularization: Double = 1e-6
    public var seed: UInt64 = 0

    public init(
        components: Int, restarts: Int = 1, maxIterations: Int = 100, tolerance: Double = 1e-3,
        covarianceRegularization: Double = 1e-6, seed: UInt64 = 0
    ) {
        self.components = components; self.restarts = restarts; self.maxIterations = maxIterations
        self.tolerance = tolerance; self.covarianceRegularization = covarianceRegularization; self.seed = seed
    }

    public struct Result: Sendable {
        /// The most responsible component of every sample.
        public let labels: [Int]
        /// Mixing weights [k].
        public let weights: [Double]
        /// Means [k, d], row-major.
        public let means: [Double]
        /// Covariances [k, d, d], row-major, regularisation included.
        public let covariances: [Double]
        /// Mean log-likelihood per sample at the last E-step of the winning restart.
        public let meanLogLikelihood: Double
        public let iterations: Int
        public let converged: Bool
        /// Which restart won (0-based).
        public let bestRun: Int

        /// What a log line says of the fit: "a Gaussian mixture on N feature vectors (full covariances,
        /// R restarts, converged after I EM iterations, mean log-likelihood L)".
        public func summary(restarts: Int) -> String {
            let convergence = converged ? "converged after \(iterations)" : "not converged in \(iterations)"
            return
                "a Gaussian mixture on \(labels.count) feature vectors (full covariances, \(restarts) restarts, \(convergence) EM iterations, mean log-likelihood \(String(format: "%.5g", meanLogLikelihood)))"
        }
    }

    /// Fits the rows of `data` [n, d].
    public func fit(_ data: Tensor) throws -> Result {
        let (x, n, d) = try Self.rows(data, components: components)
        try validate()
        var master = RandomGenerator(seed: seed)
        var best: Result?
        for run in 0..<restarts {
            let start = try KMeans(k: components, nInit: 1, seed: master.next()).fit(data)
            let result = try expectationMaximization(x, n: n, d: d, initialLabels: start.labels, run: run)
            if best == nil || result.meanLogLikelihood > best!.meanLogLikelihood { best = result }
        }
        return best!
    }

    /// EM from the one-hot responsibilities of `initialLabels` (values in 0..<components).
    public func fit(_ data: Tensor, initialLabels: [Int]) throws -> Result {
        let (x, n, d) = try Self.rows(data, components: components)
        try validate()
        guard initialLabels.count == n, initialLabels.allSatisfy({ (0..<components).contains($0) }) else {
            throw ClusteringError(
                "Gaussian mixture: expected \(n) initial labels in 0..<\(components), got \(initialLabels.count)")
        }
        return try expectationMaximization(x, n: n, d: d, initialLabels: initialLabels, run: 0)
    }

    private func validate() throws {
        guard components >= 1, restarts >= 1, maxIterations >= 1 else {
            throw ClusteringError(
                "Gaussian mixture: components, restarts and iterations must be at least 1, got \(components), \(restarts) and \(maxIterations)"
            )
        }
        guard tolerance >= 0, covarianceRegularization >= 0, tolerance.isFinite, covarianceRegularization.isFinite
        else {
            throw ClusteringError(
                "Gaussian mixture: tolerance and covariance regularisation must be finite and non-negative, got \(tolerance) and \(covarianceRegularization)"
            )
        }
    }

    private static func rows(_ data: Tensor, components: Int) throws -> ([Double], Int, Int) {
        guard data.rank == 2 else { throw ClusteringError("Gaussian mixture: expected [n, d] data, got \(data.shape)") }
        let n = data.shape[0], d = data.shape[1]
        guard n >= components, d >= 1 else {
            throw ClusteringError(
                "Gaussian mixture: \(n) samples of dimension \(d) cannot form \(components) components")
        }
        let x = data.toDoubleArray()
        try ClusteringError.requireFinite(x, dimension: d, in: "Gaussian mixture")
        return (x, n, d)
    }

    /// The parameters of one mixture: weights, means and the Cholesky factors of the precisions
    /// (upper triangular U_k with U_k U_kᵀ = Σ_k⁻¹, scikit-learn's precisions_cholesky_).
    private struct Parameters {
        var weights: [Double]
        var means: [Double]
        var covariances: [Double]
        var precisionFactors: [Double]
    }

    private func expectationMaximization(_ x: [Double], n: Int, d: Int, initialLabels: [Int], run: Int) throws
        -> Result
    {
        let k = components
        var responsibilities = [Double](repeating: 0, count: n * k)
        for (i, label) in initialLabels.enumerated() { responsibilities[i * k + label] = 1 }
        var parameters = try maximization(x, n: n, d: d, responsibilities: responsibilities)
        var meanLogLikelihood = -Double.infinity, converged = false, iterations = 0
        for iteration in 1...maxIterations {
            let previous = meanLogLikelihood
            meanLogLikelihood = expectation(x, n: n, d: d, parameters, into: &responsibilities)
            parameters = try maximization(x, n: n, d: d, responsibilities: responsibilities)
            iterations = iteration
            if Swift.abs(meanLogLikelihood - previous) < tolerance {
                converged = true
                break
            }
        }
        // A last E-step, so that the labels agree with the returned parameters.
        meanLogLikelihood = expectation(x, n: n, d: d, parameters, into: &responsibilities)
        let labels = (0..<n).map { i in
            (0..<k).max { a, b in responsibilities[i * k + a] < responsibilities[i * k + b] } ?? 0
        }
        return Result(
            labels: labels, weights: parameters.weights, means: parameters.means, covariances: parameters.covariances,
            meanLogLikelihood: meanLogLikelihood, iterations: iterations, converged: converged, bestRun: run)
    }

    /// M-step: weights, means and regularised covariances from the responsibilities [n, k].
    private func maximization(_ x: [Double], n: Int, d: Int, responsibilities: [Double]) throws -> Parameters {
        let k = components
        // scikit-learn adds 10 × machine epsilon to every component's total responsibility.
        var totals = [Double](repeating: 10 * Double.ulpOfOne, count: k)
        for i in 0..<n { for c in 0..<k { totals[c] += responsibilities[i * k + c] } }
        var means = [Double](repeating: 0, count: k * d)
        cblas_dgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(d), Int32(n), 1, responsibilities, Int32(k), x,
            Int32(d), 0, &means, Int32(d))
        for c in 0..<k { for j in 0..<d { means[c * d + j] /= totals[c] } }
        var covariances = [Double](repeating: 0, count: k * d * d)
        var factors = [Double](repeating: 0, count: k * d * d)
        var weighted = [Double](repeating: 0, count: n * d), centered = [Double](repeating: 0, count: n * d)
        for c in 0..<k {
            for i in 0..<n {
                let r = responsibilities[i * k + c]
                for j in 0..<d {
                    let v = x[i * d + j] - means[c * d + j]
                    centered[i * d + j] = v
                    weighted[i * d + j] = r * v
                }
            }
            try covariances.withUnsafeMutableBufferPointer { all in
                let sigma = all.baseAddress! + c * d * d
                cblas_dgemm(
                    CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n), 1 / totals[c], weighted,
                    Int32(d), centered, Int32(d), 0, sigma, Int32(d))
                for j in 0..<d { sigma[j * d + j] += covarianceRegularization }
                // Symmetrise the rounding of the two GEMM operands.
                for a in 0..<d {
                    for b in 0..<a {
                        let m = (sigma[a * d + b] + sigma[b * d + a]) / 2; sigma[a * d + b] = m; sigma[b * d + a] = m
                    }
                }
                try factors.withUnsafeMutableBufferPointer { out in
                    try Self.precisionFactor(sigma, d: d, component: c, into: out.baseAddress! + c * d * d)
                }
            }
        }
        let total = totals.reduce(0, +)
        return Parameters(
            weights: totals.map { $0 / total }, means: means, covariances: covariances, precisionFactors: factors)
    }

    /// Writes U = (L⁻¹)ᵀ for Σ = L Lᵀ (so Σ⁻¹ = U Uᵀ and the Mahalanobis distance is ‖(x − μ) U‖²).
    private static func precisionFactor(
        _ sigma: UnsafeMutablePointer<Double>, d: Int, component: Int, into out: UnsafeMutablePointer<Double>
    ) throws {
        var lower = Array(UnsafeBufferPointer(start: sigma, count: d * d))
        let lowerFlag = CChar(UInt8(ascii: "L"))
        guard LAPACKE_dpotrf(LAPACK_ROW_MAJOR, lowerFlag, Int32(d), &lower, Int32(d)) == 0,
            LAPACKE_dtrtri(LAPACK_ROW_MAJOR, lowerFlag, CChar(UInt8(ascii: "N")), Int32(d), &lower, Int32(d)) == 0
        else {
            throw ClusteringError(
                "Gaussian mixture: component \(component)'s covariance is not positive definite (too few or identical members); use fewer components or a larger covariance regularisation"
            )
        }
        // lower now holds L⁻¹ in its lower triangle; U = (L⁻¹)ᵀ is upper triangular.
        for a in 0..<d { for b in 0..<d { out[a * d + b] = b >= a ? lower[b * d + a] : 0 } }
    }

    /// E-step: the responsibilities [n, k] and the mean log-likelihood per sample.
    private func expectation(_ x: [Double], n: Int, d: Int, _ p: Parameters, into responsibilities: inout [Double])
        -> Double
    {
        let k = components
        var projected = [Double](repeating: 0, count: n * d)
        let constant = Double(d) * Foundation.log(2 * Double.pi)
        for c in 0..<k {
            p.precisionFactors.withUnsafeBufferPointer { factors in
                cblas_dgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(d), 1, x, Int32(d),
                    factors.baseAddress! + c * d * d, Int32(d), 0, &projected, Int32(d))
            }
            var shift = [Double](repeating: 0, count: d)
            var logDeterminant = 0.0
            for b in 0..<d {
                for a in 0..<d { shift[b] += p.means[c * d + a] * p.precisionFactors[c * d * d + a * d + b] }
                logDeterminant += Foundation.log(p.precisionFactors[c * d * d + b * d + b])
            }
            let logWeight = Foundation.log(p.weights[c])
            for i in 0..<n {
                var squared = 0.0
                for b in 0..<d { let v = projected[i * d + b] - shift[b]; squared += v * v }
                responsibilities[i * k + c] = -0.5 * (constant + squared) + logDeterminant + logWeight
            }
        }
        var total = 0.0
        for i in 0..<n {
            var largest = -Double.infinity
            for c in 0..<k { largest = Swift.max(largest, responsibilities[i * k + c]) }
            var sum = 0.0
            for c in 0..<k { sum += Foundation.exp(responsibilities[i * k + c] - largest) }
            let logNormalizer = largest + Foundation.log(sum)
            total += logNormalizer
            for c in 0..<k { responsibilities[i * k + c] = Foundation.exp(responsibilities[i * k + c] - logNormalizer) }
        }
        return total / Double(n)
    }
}
