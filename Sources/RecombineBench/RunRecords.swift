import Foundation

/// The kept records of full runs of a configuration (`<records>/<configuration>/<run>/result.json`):
/// their measured wall time beside a projection.
enum RunRecords {
    static func read(configuration: String, in records: String) -> [[String: Any]] {
        let folder = (records as NSString).appendingPathComponent(configuration)
        guard let runs = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return runs.sorted().compactMap { run in
            let path = ((folder as NSString).appendingPathComponent(run) as NSString).appendingPathComponent(
                "result.json")
            guard let data = FileManager.default.contents(atPath: path),
                let result = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                let wall = (result["wall_seconds"] as? NSNumber)?.doubleValue
            else { return nil }
            let provenance = result["provenance"] as? [String: Any] ?? [:]
            var record: [String: Any] = ["run": run, "wall_hours": wall / 3600]
            for (key, value) in [
                ("status", result["status"]), ("threads", provenance["threads"]),
                ("iterations_scale", provenance["iterations_scale"]), ("blas_core", provenance["blas_core"]),
            ] {
                if let value { record[key] = value }
            }
            return record
        }
    }
}

/// The human-readable form of a `methods` row.
enum MethodsTable {
    static func print(_ row: [String: Any]) {
        func f(_ value: Any?, _ format: String) -> String {
            (value as? Double).map { String(format: format, $0) } ?? "-"
        }
        let name = row["configuration"] as? String ?? ""
        if let error = row["error"] as? String {
            Swift.print("\(name): not measured: \(error)")
        } else {
            Swift.print(
                "\(name): projected \(f(row["projected_hours"], "%.3g")) h at \(row["threads"] ?? "") threads"
                    + " (\(row["cpu"] ?? "unknown CPU"), OpenBLAS \(row["blas_core"] ?? "unknown") kernels)"
                    + ((row["projection_incomplete"] as? Bool) == true ? " (a phase has no iteration budget)" : "")
                    + ", trainer's own share \(f((row["trainer_share"] as? Double).map { 100 * $0 }, "%.1f")) %")
            Swift.print(
                "  dataset/phase                      iterations   s/iter  engine s  trainer %   passes (s × count)  hours"
            )
            for phase in row["phases"] as? [[String: Any]] ?? [] {
                let label = "\(phase["dataset"] ?? "")/\(phase["phase"] ?? "")".padding(
                    toLength: 34, withPad: " ", startingAt: 0)
                let passes = (phase["passes"] as? [String: [String: Any]] ?? [:]).sorted { $0.key < $1.key }.map {
                    "\($0.key) \(f($0.value["seconds"], "%.2f")) × \($0.value["count"] ?? "")"
                }.joined(separator: ", ")
                let columns = [
                    String(describing: phase["iterations"] ?? "-").leftPadded(10),
                    f(phase["iteration_s"], "%.4f").leftPadded(8), f(phase["engine_step_s"], "%.4f").leftPadded(9),
                    f((phase["trainer_share"] as? Double).map { 100 * $0 }, "%.1f").leftPadded(10),
                ]
                Swift.print(
                    "  \(label) \(columns.joined(separator: " "))   \(passes.isEmpty ? "-" : passes)  \(f(phase["projected_hours"], "%.3g"))"
                )
            }
        }
        for record in row["records"] as? [[String: Any]] ?? [] {
            Swift.print(
                "  record \(record["run"] ?? ""): \(f(record["wall_hours"], "%.3g")) h measured (\(record["status"] ?? "?"), \(record["threads"] ?? "?") threads, iterations scale \(record["iterations_scale"] ?? "?"))"
            )
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
