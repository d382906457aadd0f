/// The Lloyd E-step for few clusters, fused: each row is read once, its dot products with all
/// centres accumulate in SIMD registers, and the row is added to its cluster's sum right away. For
/// small k this beats a skinny GEMM, whose packing copies dominate (measured on MNIST, k = 10).
struct FusedAssignment {
    let k: Int, d: Int
    /// Centres padded to a multiple of 8 columns, [k, paddedD].
    let centers: [Float]
    let centerNorms: [Float]
    var paddedD: Int { (d + 7) / 8 * 8 }

    init(centers raw: [Float], k: Int, d: Int) {
        self.k = k; self.d = d
        let padded = (d + 7) / 8 * 8
        var c = [Float](repeating: 0, count: k * padded)
        var norms = [Float](repeating: 0, count: k)
        for i in 0..<k { for j in 0..<d { c[i * padded + j] = raw[i * d + j]; norms[i] += raw[i * d + j] * raw[i * d + j] } }
        centers = c; centerNorms = norms
    }

    /// Assigns rows `range`; adds each row into `sums` [k, d] (float32 per call) and returns (inertia).
    func assign(_ x: UnsafePointer<Float>, norms: [Float], range: Range<Int>, labels: UnsafeMutablePointer<Int>, distances: UnsafeMutablePointer<Float>,
                sums: UnsafeMutablePointer<Double>, counts: UnsafeMutablePointer<Int>) -> Double {
        let blocks = d / 8, tail = d % 8, padded = paddedD
        var inertia = 0.0
        let rowSums = UnsafeMutablePointer<Float>.allocate(capacity: k * d)
        rowSums.initialize(repeating: 0, count: k * d)
        defer { rowSums.deallocate() }
        var pending = 0
        centers.withUnsafeBufferPointer { cbuf in
            let c = UnsafeRawPointer(cbuf.baseAddress!)
            for i in range {
                let row = x + i * d
                let rawRow = UnsafeRawPointer(row)
                var best = 0, bestScore = Float.infinity
                for j in 0..<k {
                    // Four independent accumulators keep the FMA pipeline full; the row stays in L1.
                    var a0 = SIMD8<Float>.zero, a1 = SIMD8<Float>.zero, a2 = SIMD8<Float>.zero, a3 = SIMD8<Float>.zero
                    let centre = c + j * padded * 4
                    var b = 0
                    while b + 4 <= blocks {
                        a0 += rawRow.loadUnaligned(fromByteOffset: b * 32, as: SIMD8<Float>.self) * centre.loadUnaligned(fromByteOffset: b * 32, as: SIMD8<Float>.self)
                        a1 += rawRow.loadUnaligned(fromByteOffset: (b + 1) * 32, as: SIMD8<Float>.self) * centre.loadUnaligned(fromByteOffset: (b + 1) * 32, as: SIMD8<Float>.self)
                        a2 += rawRow.loadUnaligned(fromByteOffset: (b + 2) * 32, as: SIMD8<Float>.self) * centre.loadUnaligned(fromByteOffset: (b + 2) * 32, as: SIMD8<Float>.self)
                        a3 += rawRow.loadUnaligned(fromByteOffset: (b + 3) * 32, as: SIMD8<Float>.self) * centre.loadUnaligned(fromByteOffset: (b + 3) * 32, as: SIMD8<Float>.self)
                        b += 4
                    }
                    while b < blocks {
                        a0 += rawRow.loadUnaligned(fromByteOffset: b * 32, as: SIMD8<Float>.self) * centre.loadUnaligned(fromByteOffset: b * 32, as: SIMD8<Float>.self)
                        b += 1
                    }
                    var dot = ((a0 + a1) + (a2 + a3)).sum()
                    if tail > 0 { for t in (blocks * 8)..<d { dot += row[t] * cbuf[j * padded + t] } }
                    let score = centerNorms[j] - 2 * dot
                    if score < bestScore { bestScore = score; best = j }
                }
                labels[i] = best
                let dsq = Swift.max(bestScore + norms[i], 0)
                distances[i] = dsq
                inertia += Double(dsq)
                counts[best] += 1
                let target = UnsafeMutableRawPointer(rowSums + best * d)
                var t = 0
                while t + 8 <= d {
                    target.storeBytes(of: target.loadUnaligned(fromByteOffset: t * 4, as: SIMD8<Float>.self) + rawRow.loadUnaligned(fromByteOffset: t * 4, as: SIMD8<Float>.self), toByteOffset: t * 4, as: SIMD8<Float>.self)
                    t += 8
                }
                while t < d { rowSums[best * d + t] += row[t]; t += 1 }
                pending += 1
                if pending == 256 {   // fold float32 partial sums into float64 regularly
                    for t in 0..<(k * d) { sums[t] += Double(rowSums[t]); rowSums[t] = 0 }
                    pending = 0
                }
            }
        }
        for t in 0..<(k * d) { sums[t] += Double(rowSums[t]) }
        return inertia
    }
}
