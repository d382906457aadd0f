/// Image datasets one after another, as torchvision's `ConcatDataset`: the train and test splits of a
/// built-in dataset clustered together.
extension ImageDataset {
    /// The samples of `parts` in order; all must have the same sample shape, and labels or none alike.
    public convenience init(name: String, concatenating parts: [ImageDataset]) throws {
        guard let first = parts.first else { throw DataError("\(name): nothing to concatenate") }
        for part in parts.dropFirst() {
            guard part.sampleShape == first.sampleShape else {
                throw DataError(
                    "\(name): cannot put samples of shape \(part.sampleShape) after samples of shape \(first.sampleShape)"
                )
            }
            guard (part.labels == nil) == (first.labels == nil) else {
                throw DataError("\(name): one part has labels and another has none")
            }
        }
        let labels = first.labels == nil ? nil : parts.flatMap { $0.labels ?? [] }
        self.init(
            name: name, pixels: parts.count == 1 ? first.pixels : parts.flatMap(\.pixels),
            sampleShape: first.sampleShape, labels: labels)
    }
}
