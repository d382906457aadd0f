import CBLASLAPACKE

/// Row-major float64 LAPACK calls on small matrices held in Swift arrays.
enum LAPACKCalls {
    /// Eigenvalues (ascending) and eigenvectors (columns) of a symmetric n×n matrix; nil when the
    /// algorithm fails to converge.
    static func symmetricEigen(_ a: [Double], n: Int) -> (values: [Double], vectors: [Double])? {
        var matrix = a, values = [Double](repeating: 0, count: n)
        let info = LAPACKE_dsyevd(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), Int32(n), &matrix, Int32(n), &values)
        return info == 0 ? (values, matrix) : nil
    }

    /// Lower Cholesky factor (upper triangle zeroed); nil with the failing order when not positive definite.
    static func cholesky(_ a: [Double], n: Int) -> Result<[Double], LinalgError> {
        var matrix = a
        let info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(n), &matrix, Int32(n))
        if info != 0 { return .failure(info > 0 ? .notPositiveDefinite(order: Int(info)) : .notConverged) }
        for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) where j < n { matrix[i * n + j] = 0 } }
        return .success(matrix)
    }

    /// X with L·X = B (`transpose`: Lᵀ·X = B) for lower-triangular L [n, n] and B [n, m].
    static func triangularSolve(_ l: [Double], _ b: [Double], n: Int, m: Int, transpose: Bool) -> [Double] {
        var x = b
        cblas_dtrsm(
            CblasRowMajor, CblasLeft, CblasLower, transpose ? CblasTrans : CblasNoTrans, CblasNonUnit,
            Int32(n), Int32(m), 1, l, Int32(n), &x, Int32(m))
        return x
    }

    /// General inverse via LU; nil when singular.
    static func inverse(_ a: [Double], n: Int) -> [Double]? {
        var matrix = a, pivots = [Int32](repeating: 0, count: n)
        guard LAPACKE_dgetrf(LAPACK_ROW_MAJOR, Int32(n), Int32(n), &matrix, Int32(n), &pivots) == 0,
            LAPACKE_dgetri(LAPACK_ROW_MAJOR, Int32(n), &matrix, Int32(n), &pivots) == 0
        else { return nil }
        return matrix
    }

    /// Thin SVD of an m×n matrix: U [m, k], S [k], Vᵀ [k, n] with k = min(m, n).
    static func svd(_ a: [Double], m: Int, n: Int) -> (u: [Double], s: [Double], vt: [Double])? {
        let k = Swift.min(m, n)
        var matrix = a, s = [Double](repeating: 0, count: k), u = [Double](repeating: 0, count: m * k),
            vt = [Double](repeating: 0, count: k * n)
        let info = LAPACKE_dgesdd(
            LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), &matrix, Int32(n), &s, &u, Int32(k), &vt,
            Int32(n))
        return info == 0 ? (u, s, vt) : nil
    }
}
