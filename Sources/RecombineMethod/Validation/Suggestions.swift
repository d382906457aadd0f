/// "Did you mean" suggestions by edit distance.
public enum Suggestions {
    /// Levenshtein distance between two strings (by Unicode scalars).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The candidate closest to `word` if it is close enough to be a plausible misspelling (at most a
    /// third of the word's length, and at least 1, edits; case differences count as near misses).
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let lower = word.lowercased()
        if let sameIgnoringCase = candidates.first(where: { $0.lowercased() == lower && $0 != word }) {
            return sameIgnoringCase
        }
        let scored = candidates.map { ($0, editDistance(lower, $0.lowercased())) }.filter { $0.1 > 0 }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let limit = Swift.max(2, word.count / 3)
        if best.1 <= limit { return best.0 }
        // Long identifiers: accept a candidate that contains the word or is contained in it.
        if word.count >= 6,
            let containing = candidates.first(where: {
                $0.lowercased().contains(lower) || lower.contains($0.lowercased())
            })
        {
            return containing
        }
        return nil
    }

    /// " Did you mean 'x'?" or "".
    static func hint(for word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { " Did you mean '\($0)'?" } ?? ""
    }
}
