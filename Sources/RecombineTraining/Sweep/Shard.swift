import Foundation

/// `--shard i/n`: the part of a sweep one process runs, the jobs whose position ≡ i (mod n) (round
/// robin, so heavy and light method files spread over the shards). `--shard auto` reads a Slurm job
/// array (`SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT`, for arrays
/// numbered without steps, such as `--array=0-3` or `--array=1-8%2`), else `RECOMBINE_SHARD=i/n` (for
/// xargs, GNU parallel, PBS and the like).
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    public var description: String { "\(index)/\(count)" }

    public func contains(_ position: Int) -> Bool { position % count == index }

    /// Parses `--shard`'s value (`i/n` with 0 ≤ i < n, or `auto`); the error names the value and where it came from.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard text == "auto" else {
            self = try Self.fraction(text, source: "--shard")
            return
        }
        if let id = environment["SLURM_ARRAY_TASK_ID"] {
            func number(_ name: String) throws -> Int {
                guard let value = environment[name] else {
                    throw SweepError(
                        "--shard auto: SLURM_ARRAY_TASK_ID is set (\(id)) but \(name) is not; is this a Slurm job array?"
                    )
                }
                guard let n = Int(value.trimmingCharacters(in: .whitespaces)) else {
                    throw SweepError("--shard auto: \(name) must be a whole number; got '\(value)'")
                }
                return n
            }
            let task = try number("SLURM_ARRAY_TASK_ID"), minimum = try number("SLURM_ARRAY_TASK_MIN"),
                count = try number("SLURM_ARRAY_TASK_COUNT")
            let index = task - minimum
            guard count >= 1, index >= 0, index < count else {
                throw SweepError(
                    "--shard auto: task \(task) of an array from \(minimum) with \(count) tasks gives shard \(index)/\(count), outside 0..<\(count); "
                        + "number the array without steps (--array=0-\(max(count, 1) - 1)) or pass --shard $SLURM_ARRAY_TASK_ID/N"
                )
            }
            self.init(index: index, count: count)
            return
        }
        if let value = environment["RECOMBINE_SHARD"] {
            self = try Self.fraction(value, source: "RECOMBINE_SHARD")
            return
        }
        throw SweepError("--shard auto: neither a Slurm job array (SLURM_ARRAY_TASK_ID) nor RECOMBINE_SHARD=i/n is set")
    }

    static func fraction(_ text: String, source: String) throws -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw SweepError(
                "\(source) expects i/n (shard i of n, 0 ≤ i < n)\(source == "--shard" ? " or auto" : ""); got '\(text)'"
            )
        }
        guard count >= 1, index >= 0, index < count else {
            throw SweepError(
                "\(source) '\(text)': the shard must be between 0 and \(max(count, 1) - 1) of n = \(count) ≥ 1")
        }
        return Shard(index: index, count: count)
    }
}
