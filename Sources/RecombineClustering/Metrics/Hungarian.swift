/// Minimum-cost assignment on a rectangular cost matrix (scipy.optimize.linear_sum_assignment
/// semantics): every row of the smaller side is assigned to a distinct column. O(n³) shortest
/// augmenting paths (Jonker–Volgenant style potentials).
public enum Hungarian {
    /// For a `rows`×`cols` row-major cost matrix, the assigned (row, column) pairs, min(rows, cols) of them.
    public static func minimumCostAssignment(_ cost: [Double], rows: Int, cols: Int) -> [(row: Int, col: Int)] {
        guard rows > 0 && cols > 0 else { return [] }
        let transposed = rows > cols
        let n = transposed ? cols : rows, m = transposed ? rows : cols
        func c(_ i: Int, _ j: Int) -> Double { transposed ? cost[j * cols + i] : cost[i * cols + j] }
        // 1-based arrays as in the classic formulation; p[j] = row matched to column j.
        var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: m + 1)
        var p = [Int](repeating: 0, count: m + 1), way = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            p[0] = i
            var j0 = 0
            var minv = [Double](repeating: .infinity, count: m + 1), used = [Bool](repeating: false, count: m + 1)
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = Double.infinity, j1 = 0
                for j in 1...m where !used[j] {
                    let cur = c(i0 - 1, j - 1) - u[i0] - v[j]
                    if cur < minv[j] { minv[j] = cur; way[j] = j0 }
                    if minv[j] < delta { delta = minv[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[p[j]] += delta; v[j] -= delta } else { minv[j] -= delta }
                }
                j0 = j1
            } while p[j0] != 0
            repeat { let j1 = way[j0]; p[j0] = p[j1]; j0 = j1 } while j0 != 0
        }
        var pairs: [(Int, Int)] = []
        for j in 1...m where p[j] != 0 { pairs.append(transposed ? (j - 1, p[j] - 1) : (p[j] - 1, j - 1)) }
        return pairs.sorted { $0.0 < $1.0 }
    }
}
