extension DataParallelGroup {
    /// Process `root`'s integer on every process.
    public func broadcast(_ value: Int, root: Int = 0) -> Int {
        var v = Int64(value)
        withUnsafeMutableBytes(of: &v) { broadcast($0, root: root) }
        return Int(v)
    }

    /// Process `root`'s text on every process.
    public func broadcast(_ text: String, root: Int = 0) -> String {
        var bytes = Array(text.utf8)
        let count = broadcast(bytes.count, root: root)
        if rank != root { bytes = [UInt8](repeating: 0, count: count) }
        bytes.withUnsafeMutableBytes { broadcast($0, root: root) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
