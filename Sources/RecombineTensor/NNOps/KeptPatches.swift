import Foundation

/// The patch matrices a recorded conv2d forward built, kept for its weight gradient, so that the backward
/// reads them instead of copying every window again (im2col once per step instead of twice).
///
/// The forward builds them in chunks of images, one [K, nb·L] matrix per chunk and group; the chunk of
/// images n0..<n0+nb and group g sit at K·L·(n0·groups + g·nb), so chunks and groups tile the storage in order
/// whatever the split. The backward uses a chunk only when it splits the batch the same way (`matrix`); any
/// other chunk it copies again, so the numbers never depend on whether the patches were kept. Batches whose
/// patch matrices would exceed `maximumElements` keep none, which bounds the memory a step holds.
final class KeptPatches {
    /// The most elements a convolution keeps (2²⁵: 128 MiB of float32).
    static let maximumElements = 1 << 25

    /// Whether a recorded forward of this setup should keep its patch matrices.
    static func pay(for s: Conv2dSetup) -> Bool {
        s.geometry.patchSize * s.geometry.positions * s.n * s.groups <= maximumElements
    }

    let storage: Tensor
    private let patchSize: Int, positions: Int, groups: Int
    /// Images per chunk, by the chunk's first image, as the forward split the batch.
    private var chunks: [Int: Int] = [:]
    private let lock = NSLock()

    init(_ s: Conv2dSetup, dtype: DType) {
        patchSize = s.geometry.patchSize
        positions = s.geometry.positions
        groups = s.groups
        storage = Tensor(uninitialized: [patchSize * positions * s.n * s.groups], dtype: dtype)
    }

    /// Where the forward writes the patch matrix of the chunk `n0..<n0+nb`, group `g` (recording the chunk).
    func slot<S: TensorScalar>(n0: Int, nb: Int, group g: Int, _: S.Type) -> UnsafeMutablePointer<S> {
        if g == 0 { lock.withLock { chunks[n0] = nb } }
        return storage.pointer(S.self) + patchSize * positions * (n0 * groups + g * nb)
    }

    /// The kept patch matrix of the chunk `n0..<n0+nb`, group `g`, when the forward built exactly that chunk.
    func matrix<S: TensorScalar>(n0: Int, nb: Int, group g: Int, _: S.Type) -> UnsafeMutablePointer<S>? {
        guard lock.withLock({ chunks[n0] }) == nb else { return nil }
        return storage.pointer(S.self) + patchSize * positions * (n0 * groups + g * nb)
    }
}
