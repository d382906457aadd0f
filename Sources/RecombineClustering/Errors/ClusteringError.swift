/// A problem running classical clustering.
public struct ClusteringError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Throws naming the first sample (row of `values`, `dimension` features each) with a NaN or infinite
    /// feature: distances, likelihoods and graphs of such data are meaningless, not merely imprecise.
    static func requireFinite<Values: Collection>(_ values: Values, dimension: Int, in algorithm: String) throws
    where Values.Element: BinaryFloatingPoint, Values.Index == Int {
        guard let index = values.firstIndex(where: { !$0.isFinite }) else { return }
        let (sample, feature) = dimension > 0 ? index.quotientAndRemainder(dividingBy: dimension) : (index, 0)
        throw ClusteringError(
            "\(algorithm): sample \(sample) has a non-finite value (\(Double(values[index]))) at feature \(feature); clustering needs finite data"
        )
    }
}
