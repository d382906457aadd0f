import Foundation
import RecombineData
import RecombineMethod

/// The jobs of `recombine run FILES... [--runs N] [--seed S] [--grid ...]`: method files × grid points
/// (the cartesian product of the `--grid` axes, the first varying slowest) × seeds, in that order, so
/// every process given the same command numbers them alike (a shard picks jobs by that number). Each job
/// has its own directory under the output folder: `<method>/<grid point>/seed-<S>`, where a level is left
/// out when it cannot vary (one file, no grid, one seed) unless the plan is a sweep (`--grid` or
/// `--shard`), which keeps every level so that its directories never depend on how it was split.
public struct SweepPlan: Sendable {
    public struct Job: Sendable {
        /// Place in the plan (0-based); a shard i/n runs the jobs whose position ≡ i (mod n).
        public let position: Int
        public let file: String
        /// The grid point as pointer and value, applied after `--set`.
        public let gridPoint: [(pointer: JSONPointer, value: JSONValue)]
        public let seed: UInt64
        /// The job's directory relative to the output folder ("" when the job is the output folder itself).
        public let directory: String
        /// The directory that holds the job's seeds (summary.md of `--runs`), relative like `directory`.
        public let seedsDirectory: String

        /// The grid point as `/pointer=value` texts (what provenance records).
        public var gridAssignments: [String] { gridPoint.map { GridAxis.assignment($0.pointer, $0.value) } }
    }

    public let jobs: [Job]

    /// - Parameters:
    ///   - files: method files in the order given.
    ///   - seed: `--seed`, the first seed of every file (else the file's `seed`, else 0).
    ///   - sweep: keep every directory level (given `--grid` or `--shard`).
    public init(files: [String], seed: UInt64?, runs: Int, axes: [GridAxis], sweep: Bool) {
        let roots = files.map { (try? JSONParser.parse(contentsOf: $0))?.root }
        let methodNames = Self.methodDirectoryNames(files, roots: roots)
        let firstSeeds = roots.map { root in seed ?? root?["seed"]?.integer.map { UInt64(max($0, 0)) } ?? 0 }
        let points = Self.cartesianProduct(axes)
        let pointNames = Self.gridPointNames(points)
        let methodLevel = sweep || files.count > 1, seedLevel = sweep || runs > 1
        var jobs: [Job] = []
        for (f, file) in files.enumerated() {
            for (p, point) in points.enumerated() {
                let parent =
                    ([methodLevel ? methodNames[f] : nil, axes.isEmpty ? nil : pointNames[p]].compactMap { $0 }).joined(
                        separator: "/")
                for r in 0..<runs {
                    let seed = firstSeeds[f] &+ UInt64(r)
                    let directory = seedLevel ? (parent.isEmpty ? "seed-\(seed)" : "\(parent)/seed-\(seed)") : parent
                    jobs.append(
                        Job(
                            position: jobs.count, file: file, gridPoint: point, seed: seed, directory: directory,
                            seedsDirectory: parent))
                }
            }
        }
        self.jobs = jobs
    }

    /// Every combination of the axes' values, the first axis varying slowest (one empty point without axes).
    static func cartesianProduct(_ axes: [GridAxis]) -> [[(pointer: JSONPointer, value: JSONValue)]] {
        var points: [[(pointer: JSONPointer, value: JSONValue)]] = [[]]
        for axis in axes {
            points = points.flatMap { point in axis.values.map { point + [(axis.pointer, $0)] } }
        }
        return points
    }

    /// Longest readable grid-point name before it is shortened with a hash.
    static let maximumNameLength = 80

    /// A folder name per grid point: `leaf=value` pairs joined by ',' (a leaf is the pointer's last
    /// token, or as many last tokens as needed to tell the axes apart, joined by '.'), characters other
    /// than letters, digits and `.+-_=,` replaced by '_'; a name that is too long, or that two points
    /// share after that replacement, gets a hash of the exact point.
    static func gridPointNames(_ points: [[(pointer: JSONPointer, value: JSONValue)]]) -> [String] {
        guard let axes = points.first?.map(\.pointer), !axes.isEmpty else { return points.map { _ in "" } }
        var depth = 1
        func labels(_ depth: Int) -> [String] { axes.map { $0.tokens.suffix(depth).joined(separator: ".") } }
        while Set(labels(depth)).count < axes.count && depth < axes.map(\.tokens.count).max()! { depth += 1 }
        let label = labels(depth)
        let readable = points.map { point in
            safe(zip(label, point).map { "\($0)=\($1.value.string ?? $1.value.serialized())" }.joined(separator: ","))
        }
        let counts = Dictionary(readable.map { ($0, 1) }, uniquingKeysWith: +)
        return zip(points, readable).map { point, name in
            let hash = String(
                SHA256.hex(Data(point.map { GridAxis.assignment($0.pointer, $0.value) }.joined(separator: "\n").utf8))
                    .prefix(8))
            if name.count > maximumNameLength { return String(name.prefix(maximumNameLength - 9)) + "-" + hash }
            return counts[name]! > 1 ? name + "-" + hash : name
        }
    }

    /// A folder name per method file: the method's `name` (the file's name when it has none or cannot be
    /// read), made safe; files whose names coincide get a hash of their path.
    static func methodDirectoryNames(_ files: [String], roots: [JSONValue?]) -> [String] {
        let names = zip(files, roots).map { file, root -> String in
            let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let name = root?["name"]?.string
            return safe(name.flatMap { $0.isEmpty ? nil : $0 } ?? stem)
        }
        let distinctFiles = Dictionary(zip(names, files).map { ($0, Set([$1])) }, uniquingKeysWith: { $0.union($1) })
        return zip(names, files).map { name, file in
            distinctFiles[name]!.count > 1 ? name + "-" + String(SHA256.hex(Data(file.utf8)).prefix(8)) : name
        }
    }

    /// `text` with every character but ASCII letters, digits and `.+-_=,` replaced by '_' (never "." or "..").
    static func safe(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_=,")
        let name = String(text.map { allowed.contains($0) ? $0 : "_" })
        return name.isEmpty || name.allSatisfy({ $0 == "." }) ? "_" + name : name
    }
}
