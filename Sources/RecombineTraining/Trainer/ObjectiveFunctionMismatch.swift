import RecombineMethod
import RecombineTensor

/// The objective-function mismatch (OFM) of tk-uco: the cosine between the
/// unit-normalised gradients of the cluster loss and of the companion loss with respect to one
/// feature extractor's parameters only. +1 means the companion objective pulls the feature extractor
/// the same way as the clustering objective; negative values mean they conflict. The weights λ·w of
/// the terms cancel in the normalisation. (The paper's regression-based measure is not implemented.)
struct MismatchMeter {
    /// One loss term of a step: the pattern that produced it, its name and its graph.
    struct Term {
        let pattern: String
        let name: String
        let value: Tensor
    }

    /// The cosines of one measurement; nil where a loss has no gradient reaching the feature extractor.
    struct Measurement {
        var cosine: Double?
        /// "a|b" → cos(ĝ_a, ĝ_b) for every pair of terms (pairwise mode).
        var pairs: [(String, Double?)] = []
    }

    let spec: MismatchSpec
    let parameters: [Tensor]
    /// Clears every gradient the measurement's backward passes may have reached.
    let clearGradients: () -> Void

    /// The cluster/companion cosine (and the pairwise ones) of a step's terms. Backward passes keep
    /// the graph, so the step's own update can still differentiate it afterwards.
    func measure(_ terms: [Term]) -> Measurement {
        let companion = terms.filter { spec.companionPatterns.contains($0.pattern) }
        let cluster = terms.filter { !spec.companionPatterns.contains($0.pattern) }
        var result = Measurement()
        if let c = sum(cluster), let o = sum(companion), let gc = gradient(c), let go = gradient(o) {
            result.cosine = Self.cosine(gc, go)
        }
        if spec.pairwise {
            let names = Self.uniqueNames(terms.map(\.name))
            let gradients = terms.map { gradient($0.value) }
            for i in terms.indices {
                for j in terms.indices where j > i {
                    let value = gradients[i].flatMap { a in gradients[j].flatMap { Self.cosine(a, $0) } }
                    result.pairs.append(("\(names[i])|\(names[j])", value))
                }
            }
        }
        return result
    }

    func sum(_ terms: [Term]) -> Tensor? {
        terms.dropFirst().reduce(terms.first?.value) { total, term in total.map { $0 + term.value } }
    }

    /// ∂loss/∂θ flattened over the feature extractor's parameters; nil when no gradient reaches them.
    func gradient(_ loss: Tensor) -> [Double]? {
        guard loss.requiresGrad else { return nil }
        clearGradients()
        loss.backward(retainGraph: true)
        defer { clearGradients() }
        var flat: [Double] = [], reached = false
        for p in parameters {
            if let g = p.grad {
                reached = true; flat += g.toDoubleArray()
            } else {
                flat += [Double](repeating: 0, count: p.count)
            }
        }
        return reached ? flat : nil
    }

    /// ⟨a/‖a‖, b/‖b‖⟩, nil when either vector is zero.
    static func cosine(_ a: [Double], _ b: [Double]) -> Double? {
        var dot = 0.0, aa = 0.0, bb = 0.0
        for i in a.indices { dot += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i] }
        guard aa > 0, bb > 0, aa.isFinite, bb.isFinite else { return nil }
        return Swift.min(1, Swift.max(-1, dot / (aa.squareRoot() * bb.squareRoot())))
    }

    /// Term names made unique by a "#k" suffix on repeats.
    static func uniqueNames(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return names.map { name in
            let k = seen[name, default: 0]
            seen[name] = k + 1
            return k == 0 ? name : "\(name)#\(k + 1)"
        }
    }
}
