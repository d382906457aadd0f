/// Where a run stands: `result.json`'s `status`.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running, completed, interrupted, stopped, failed
}
