/// Central finite-difference checks of recorded gradients, for tests of every differentiable op
/// (and of users' own composite losses). Run them in float64.
public enum GradientCheck {
    /// The largest discrepancy between the autodiff gradient of `f(inputs).sum()` weighted by a fixed
    /// random cotangent and its central finite difference, relative to max(1, |numeric|). NaN when either
    /// gradient is NaN anywhere, +infinity when one is infinite: a check never reports a non-finite
    /// gradient as agreeing.
    ///
    /// - Parameters:
    ///   - inputs: float64 tensors; the check differentiates with respect to fresh copies of them.
    ///   - epsilon: finite-difference step.
    ///   - f: the function under test.
    public static func maxRelativeError(
        _ originals: [Tensor], epsilon: Double = 1e-6, seed: UInt64 = 7,
        _ f: ([Tensor]) -> Tensor
    ) -> Double {
        for x in originals { precondition(x.dtype == .float64, "gradient checks run in float64") }
        let inputs = originals.map { $0.clone().requiringGrad() }
        let probe = f(inputs)
        var generator = RandomGenerator(seed: seed)
        let cotangent = Tensor.normal(probe.shape, generator: &generator, dtype: .float64)
        func objective(_ xs: [Tensor]) -> Tensor { (f(xs) * cotangent).sum() }
        objective(inputs).backward()
        var worst = 0.0
        for x in inputs {
            let analytic = x.grad?.toDoubleArray() ?? [Double](repeating: 0, count: x.count)
            for i in 0..<x.count {
                let original = x.doubles[i]
                x.doubles[i] = original + epsilon
                let plus = withoutGradients { objective(inputs).item }
                x.doubles[i] = original - epsilon
                let minus = withoutGradients { objective(inputs).item }
                x.doubles[i] = original
                let numeric = (plus - minus) / (2 * epsilon)
                let error = Swift.abs(numeric - analytic[i]) / Swift.max(1, Swift.abs(numeric))
                if error.isNaN || !numeric.isFinite || !analytic[i].isFinite {
                    return numeric.isNaN || analytic[i].isNaN ? .nan : .infinity
                }
                worst = Swift.max(worst, error)
            }
        }
        return worst
    }
}
