import Foundation
import RecombineNN
import RecombineTensor
import XCTest

/// The optimizers update their buffers a SIMD block at a time; every element must come out bit for bit as
/// the per-element rule written out as scalars (the rules of torch.optim, in the order of their doc
/// comments), in float32 and float64, for lengths with partial last blocks and for tensors large enough
/// to be split over threads.
final class UpdateBlocksTests: XCTestCase {
    /// Deterministic values in about [−1, 1], some exactly zero, and a few parameters of −0.
    static func values(_ count: Int, seed: Int) -> [Double] {
        (0..<count).map { i in
            let x = sin(Double(i * 7919 + seed * 104_729) * 0.001) * 1.3
            return i % 11 == 0 ? 0 : (i % 13 == 0 ? -0.0 : x)
        }
    }

    /// Runs three steps of `optimizer` on one parameter of `count` elements and returns it, with the same
    /// three steps done by `reference` on scalar arrays (parameter, gradient, step t).
    func compare<S: TensorScalar>(
        _ name: String, count: Int, _: S.Type, make: ([Tensor]) -> Optimizer,
        reference: (inout [S], [S], Int) -> Void
    ) {
        let initial = Self.values(count, seed: 1).map { S($0) }
        let p = Tensor(initial.map { Double($0) }, shape: [count]).to(S.dtype).requiringGrad()
        let optimizer = make([p])
        var expected = initial
        for t in 1...3 {
            let g = Self.values(count, seed: t + 1).map { S($0 * 0.5) }
            p.grad = Tensor(g.map { Double($0) }, shape: [count]).to(S.dtype)
            optimizer.step()
            reference(&expected, g, t)
        }
        let got = (0..<count).map { p.pointer(S.self)[$0] }
        func identical(_ a: S, _ b: S) -> Bool {
            a.sign == b.sign && a.exponentBitPattern == b.exponentBitPattern
                && a.significandBitPattern == b.significandBitPattern
        }
        let mismatches = zip(got, expected).enumerated().filter { !identical($0.element.0, $0.element.1) }
        XCTAssertTrue(
            mismatches.isEmpty,
            "\(name), \(S.self), \(count) elements: \(mismatches.count) differ, first at \(mismatches.first.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")"
        )
    }

    /// Lengths covering: less than one block, whole blocks, partial last blocks, and split over threads.
    let counts = [1, 3, 8, 37, (1 << 17) + 5]

    /// Runs `body` for every length with two threads, so the largest is split over them.
    func forEachCase(_ body: (Int) -> Void) {
        Threads.set(2)
        defer { Threads.set(Threads.fromEnvironment()) }
        for count in counts { body(count) }
    }

    func sgdCase<S: TensorScalar>(_: S.Type, momentum: Double, dampening: Double, decay: Double, nesterov: Bool) {
        forEachCase { count in
            var buffer = [S](repeating: 0, count: count)
            compare(
                "SGD μ=\(momentum) τ=\(dampening) λ=\(decay) nesterov=\(nesterov)", count: count, S.self,
                make: {
                    SGD(
                        parameters: $0, learningRate: 0.1, momentum: momentum, dampening: dampening, weightDecay: decay,
                        nesterov: nesterov)
                }
            ) { p, g, t in
                let lr = S(0.1), mu = S(momentum), damp = 1 - S(dampening), wd = S(decay)
                for i in p.indices {
                    var d = g[i] + wd * p[i]
                    if momentum != 0 {
                        buffer[i] = t == 1 ? d : mu * buffer[i] + damp * d
                        d = nesterov ? d + mu * buffer[i] : buffer[i]
                    }
                    p[i] = p[i] - lr * d
                }
            }
        }
    }

    func testSGDBlocksEqualTheScalarRuleBitForBit() {
        for (momentum, dampening, decay, nesterov) in [
            (0.0, 0.0, 0.0, false), (0.9, 0.0, 0.0, false), (0.9, 0.1, 0.01, false), (0.9, 0.0, 0.01, true),
        ] {
            sgdCase(Float.self, momentum: momentum, dampening: dampening, decay: decay, nesterov: nesterov)
            sgdCase(Double.self, momentum: momentum, dampening: dampening, decay: decay, nesterov: nesterov)
        }
    }

    func adamCase<S: TensorScalar>(_: S.Type, decay: Double, amsgrad: Bool, decoupled: Bool) {
        forEachCase { count in
            var m = [S](repeating: 0, count: count), v = m, vMax = m
            compare(
                "Adam λ=\(decay) amsgrad=\(amsgrad) decoupled=\(decoupled)", count: count, S.self,
                make: {
                    decoupled
                        ? AdamW(groups: [ParameterGroup(parameters: $0, learningRate: 0.01)], weightDecay: decay)
                        : Adam(parameters: $0, learningRate: 0.01, weightDecay: decay, amsgrad: amsgrad)
                }
            ) { p, g, t in
                let lr = 0.01, bc1 = 1 - pow(0.9, Double(t)), bc2 = 1 - pow(0.999, Double(t))
                let stepSize = S(lr / bc1), sqrtBC2 = S(sqrt(bc2)), b1 = S(0.9), b2 = S(0.999), eps = S(1e-8)
                let wd = S(decay), factor = decoupled ? S(1 - lr * decay) : 1
                for i in p.indices {
                    let grad = !decoupled && decay != 0 ? g[i] + wd * p[i] : g[i]
                    if factor != 1 { p[i] = p[i] * factor }
                    m[i] = b1 * m[i] + (1 - b1) * grad
                    v[i] = b2 * v[i] + (1 - b2) * grad * grad
                    var second = v[i]
                    if amsgrad { vMax[i] = Swift.max(vMax[i], v[i]); second = vMax[i] }
                    p[i] = p[i] - stepSize * m[i] / (second.squareRoot() / sqrtBC2 + eps)
                }
            }
        }
    }

    func testAdamBlocksEqualTheScalarRuleBitForBit() {
        for (decay, amsgrad, decoupled) in [(0.0, false, false), (0.1, true, false), (0.1, false, true)] {
            adamCase(Float.self, decay: decay, amsgrad: amsgrad, decoupled: decoupled)
            adamCase(Double.self, decay: decay, amsgrad: amsgrad, decoupled: decoupled)
        }
    }

    func rmspropCase<S: TensorScalar>(_: S.Type, momentum: Double, centered: Bool) {
        forEachCase { count in
            var v = [S](repeating: 0, count: count), a = v, b = v
            compare(
                "RMSprop μ=\(momentum) centered=\(centered)", count: count, S.self,
                make: {
                    RMSprop(
                        groups: [ParameterGroup(parameters: $0, learningRate: 0.01)], weightDecay: 0.1,
                        momentum: momentum, centered: centered)
                }
            ) { p, g, _ in
                let al = S(0.99), eps = S(1e-8), wd = S(0.1), mu = S(momentum), lr = S(0.01)
                for i in p.indices {
                    let grad = g[i] + wd * p[i]
                    v[i] = al * v[i] + (1 - al) * grad * grad
                    var avg = v[i]
                    if centered { a[i] = al * a[i] + (1 - al) * grad; avg = avg - a[i] * a[i] }
                    let d = grad / (avg.squareRoot() + eps)
                    if momentum != 0 { b[i] = mu * b[i] + d; p[i] = p[i] - lr * b[i] } else { p[i] = p[i] - lr * d }
                }
            }
        }
    }

    func adagradCase<S: TensorScalar>(_: S.Type) {
        forEachCase { count in
            var s = [S](repeating: 0.5, count: count)
            compare(
                "Adagrad", count: count, S.self,
                make: {
                    Adagrad(
                        groups: [ParameterGroup(parameters: $0, learningRate: 0.1)], learningRateDecay: 0.1,
                        weightDecay: 0.1, initialAccumulatorValue: 0.5)
                }
            ) { p, g, t in
                let clr = S(0.1 / (1 + Double(t - 1) * 0.1)), wd = S(0.1), eps = S(1e-10)
                for i in p.indices {
                    let grad = g[i] + wd * p[i]
                    s[i] = s[i] + grad * grad
                    p[i] = p[i] - clr * grad / (s[i].squareRoot() + eps)
                }
            }
        }
    }

    func testRMSpropAndAdagradBlocksEqualTheScalarRuleBitForBit() {
        for (momentum, centered) in [(0.0, false), (0.5, true)] {
            rmspropCase(Float.self, momentum: momentum, centered: centered)
            rmspropCase(Double.self, momentum: momentum, centered: centered)
        }
        adagradCase(Float.self)
        adagradCase(Double.self)
    }
}
