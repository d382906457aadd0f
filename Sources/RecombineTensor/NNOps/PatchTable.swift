import CKernels

/// im2col and col2im of strided or dilated windows through a zero-padded copy of the image and a table of
/// where each window element sits in a padded plane: one flat loop over the Ho·Wo output positions per patch
/// row, where ConvGeometry's copies run once per output row and, at stride 2 on small images (rows of 4 to
/// 13 outputs), pay their loop set-up every few elements. Same elements in the same order: the numbers
/// are ConvGeometry's bit for bit (ConvGeometryTests). im2col of windows at column stride 2 skips the table: a C
/// kernel (patch_copies.c) copies each output row with vector loads and a shuffle of the even elements. (Its
/// col2im counterpart was slower than the table's loop on depict's transposed convolutions and was not kept.)
struct PatchTable {
    let geometry: ConvGeometry
    /// A padded plane: the image plane at row padH, column padW, zeros around it, as large as the windows reach.
    let paddedHeight: Int, paddedWidth: Int
    /// [kh·kw, Ho·Wo]: the padded-plane offset that window element (ki, kj) reads at each output position.
    private let offsets: [Int]
    /// Whether the windows move two columns per output: im2col by patch_copies.c's kernel.
    let columnStepTwo: Bool
    /// Elements after the padded image that the column-step-two kernel may read.
    static let slack = 16

    /// Whether a convolution of this geometry should copy its patches through a table: strided or dilated
    /// windows, whose per-row copies are short or strided.
    static func pays(for geo: ConvGeometry) -> Bool {
        geo.strideH > 1 || geo.strideW > 1 || geo.dilationH > 1 || geo.dilationW > 1
    }

    init(_ geo: ConvGeometry) {
        geometry = geo
        paddedHeight = Swift.max(
            geo.padH + geo.height, (geo.outH - 1) * geo.strideH + (geo.kernelH - 1) * geo.dilationH + 1)
        paddedWidth = Swift.max(
            geo.padW + geo.width, (geo.outW - 1) * geo.strideW + (geo.kernelW - 1) * geo.dilationW + 1)
        columnStepTwo = geo.strideW == 2
        var offsets: [Int] = []
        offsets.reserveCapacity(geo.kernelH * geo.kernelW * geo.positions)
        for ki in 0..<geo.kernelH {
            for kj in 0..<geo.kernelW {
                for oh in 0..<geo.outH {
                    let row = (oh * geo.strideH + ki * geo.dilationH) * paddedWidth
                    for ow in 0..<geo.outW { offsets.append(row + ow * geo.strideW + kj * geo.dilationW) }
                }
            }
        }
        self.offsets = offsets
    }

    var paddedPlane: Int { paddedHeight * paddedWidth }
    /// Elements of a padded image [C, paddedHeight, paddedWidth].
    var paddedImage: Int { geometry.channels * paddedPlane }
    /// Elements to allocate for a padded image: the image and the column-step-two kernel's slack.
    var paddedAllocation: Int { paddedImage + Self.slack }

    /// Copies `image` [C, H, W] into the interior of `padded`; the border is left as it is (zero once, stays zero).
    @inline(__always)
    func pad<S: TensorScalar>(_ image: UnsafePointer<S>, into padded: UnsafeMutablePointer<S>) {
        let geo = geometry
        for c in 0..<geo.channels {
            let src = image + c * geo.height * geo.width
            let dst = padded + c * paddedPlane + geo.padH * paddedWidth + geo.padW
            for ih in 0..<geo.height {
                geo.copyRun(into: dst + ih * paddedWidth, from: src + ih * geo.width, count: geo.width)
            }
        }
    }

    /// The interior of `padded` into `image` [C, H, W] (assigned): what col2im added there.
    @inline(__always)
    func unpad<S: TensorScalar>(_ padded: UnsafePointer<S>, into image: UnsafeMutablePointer<S>) {
        let geo = geometry
        for c in 0..<geo.channels {
            let src = padded + c * paddedPlane + geo.padH * paddedWidth + geo.padW
            let dst = image + c * geo.height * geo.width
            for ih in 0..<geo.height {
                geo.copyRun(into: dst + ih * geo.width, from: src + ih * paddedWidth, count: geo.width)
            }
        }
    }

    /// ConvGeometry.im2col from a padded image (see `pad`): columns `column0 ..< column0 + Ho·Wo` of `cols`.
    @inline(__always)
    func im2col<S: TensorScalar>(
        padded: UnsafePointer<S>, into cols: UnsafeMutablePointer<S>, ld: Int, column0: Int
    ) {
        if columnStepTwo {
            im2colColumnStepTwo(padded: padded, into: cols + column0, ld: ld)
            return
        }
        let windowElements = geometry.kernelH * geometry.kernelW, positions = geometry.positions
        offsets.withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            var row = 0
            for c in 0..<geometry.channels {
                let plane = padded + c * paddedPlane
                for k in 0..<windowElements {
                    let dst = cols + row * ld + column0, at = t + k * positions
                    var p = 0
                    while p < positions {
                        dst[p] = plane[at[p]]
                        p &+= 1
                    }
                    row += 1
                }
            }
        }
    }

    /// ConvGeometry.col2im into a padded image (zero it first; `unpad` takes the interior out). Within a patch
    /// row no two positions share an element, so every element receives its terms in patch-row order, as there.
    @inline(__always)
    func col2im<S: TensorScalar>(
        _ cols: UnsafePointer<S>, ld: Int, column0: Int, into padded: UnsafeMutablePointer<S>
    ) {
        let windowElements = geometry.kernelH * geometry.kernelW, positions = geometry.positions
        offsets.withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            var row = 0
            for c in 0..<geometry.channels {
                let plane = padded + c * paddedPlane
                for k in 0..<windowElements {
                    let src = cols + row * ld + column0, at = t + k * positions
                    var p = 0
                    while p < positions {
                        plane[at[p]] += src[p]
                        p &+= 1
                    }
                    row += 1
                }
            }
        }
    }
}

extension PatchTable {
    /// `im2col` at column stride 2 in C; `cols` points at column0.
    @inline(__always)
    fileprivate func im2colColumnStepTwo<S: TensorScalar>(
        padded: UnsafePointer<S>, into cols: UnsafeMutablePointer<S>, ld: Int
    ) {
        let g = geometry
        if S.self == Float.self {
            recombine_im2col_column_step_two_f32(
                UnsafeRawPointer(padded).assumingMemoryBound(to: Float.self), g.channels, paddedPlane, paddedWidth,
                g.kernelH, g.kernelW, g.strideH, g.dilationH, g.dilationW, g.outH, g.outW,
                UnsafeMutableRawPointer(cols).assumingMemoryBound(to: Float.self), ld)
        } else {
            recombine_im2col_column_step_two_f64(
                UnsafeRawPointer(padded).assumingMemoryBound(to: Double.self), g.channels, paddedPlane, paddedWidth,
                g.kernelH, g.kernelW, g.strideH, g.dilationH, g.dilationW, g.outH, g.outW,
                UnsafeMutableRawPointer(cols).assumingMemoryBound(to: Double.self), ld)
        }
    }
}

/// The patch copies of one worker of a convolution kernel: ConvGeometry's, or a PatchTable's through the
/// worker's own padded images (one to read patches from, whose border stays zero; one to sum columns into).
struct PatchCopies<S: TensorScalar> {
    let geometry: ConvGeometry
    private let table: PatchTable?
    private let padded: Tensor?, sums: Tensor?

    init(_ geometry: ConvGeometry, table: PatchTable?, dtype: DType) {
        self.geometry = geometry
        self.table = table
        padded = table.map { Tensor.zeros([$0.paddedAllocation], dtype: dtype) }
        sums = table.map { Tensor(uninitialized: [$0.paddedImage], dtype: dtype) }
    }

    /// ConvGeometry.im2col of `image` [C, H, W].
    @inline(__always)
    func im2col(_ image: UnsafePointer<S>, into cols: UnsafeMutablePointer<S>, ld: Int, column0: Int) {
        guard let table, let padded else {
            geometry.im2col(image, into: cols, ld: ld, column0: column0)
            return
        }
        let p = padded.pointer(S.self)
        table.pad(image, into: p)
        table.im2col(padded: p, into: cols, ld: ld, column0: column0)
    }

    /// ConvGeometry.col2im into `image` [C, H, W], which holds zeros and no other writer's terms: the table's
    /// sums, built from zero in a padded image, are assigned to it.
    @inline(__always)
    func col2imIntoZeros(_ cols: UnsafePointer<S>, ld: Int, column0: Int, into image: UnsafeMutablePointer<S>) {
        guard let table, let sums else {
            geometry.col2im(cols, ld: ld, column0: column0, into: image)
            return
        }
        let p = sums.pointer(S.self)
        p.update(repeating: 0, count: table.paddedImage)
        table.col2im(cols, ld: ld, column0: column0, into: p)
        table.unpad(p, into: image)
    }
}
