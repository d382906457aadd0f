/// Labels read as text. When every text is an integer (`3`, `-1`, `2.0`) the labels are those
/// integers; otherwise the distinct texts, sorted, are numbered 0, 1, … and `names` keeps them, so a
/// run can record which number stands for which text.
public struct TextLabels: Sendable, Equatable {
    public let values: [Int]
    /// `names[k]` is the text of label k, nil when the labels were integers.
    public let names: [String]?

    public init(_ texts: [String]) {
        let integers = texts.compactMap { text -> Int? in
            if let i = Int(text) { return i }
            guard let d = Double(text), d.isFinite, d == d.rounded(), abs(d) < 1e15 else { return nil }
            return Int(d)
        }
        if integers.count == texts.count {
            values = integers; names = nil
        } else {
            let sorted = Set(texts).sorted()
            let number = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
            values = texts.map { number[$0]! }
            names = sorted
        }
    }
}
