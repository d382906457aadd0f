import CBLASLAPACKE

/// Thin wrappers over the LAPACKE routines the NN layer needs (column-major, float64).
enum LAPACK {
    static func geqrf(m: Int, n: Int, a: inout [Double], tau: inout [Double]) -> Int32 {
        LAPACKE_dgeqrf(LAPACK_COL_MAJOR, Int32(m), Int32(n), &a, Int32(m), &tau)
    }

    static func orgqr(m: Int, n: Int, a: inout [Double], tau: inout [Double]) -> Int32 {
        LAPACKE_dorgqr(LAPACK_COL_MAJOR, Int32(m), Int32(n), Int32(n), &a, Int32(m), &tau)
    }
}
