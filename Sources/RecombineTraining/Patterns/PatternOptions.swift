import RecombineMethod

/// The loss weight, optimizer group and input of a pattern with one kind of loss (every pattern but
/// adversarial interpolation, which weighs and routes its two losses itself).
struct LossRouting: Decodable {
    let lossWeight: Double
    let lossOptimizerGroupName: String
    /// Use this batch augmentation's view instead of the plain batch.
    let batchAugmentationName: String?
}

extension PatternSpec {
    /// The pattern's options decoded into `Options` (see `JSONObject.decode`).
    func decodeOptions<Options: Decodable>(_ type: Options.Type = Options.self) throws -> Options {
        try options.decode(Options.self, at: pointer, what: "design pattern '\(id)'")
    }
}
