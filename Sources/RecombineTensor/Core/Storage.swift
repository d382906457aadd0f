import Foundation

/// A reference-counted, 64-byte aligned buffer that tensors share (reshapes are views of one storage).
/// Buffers come from and return to `BufferPool`, so training steps of a fixed shape reuse memory
/// instead of paying for fresh pages every step.
public final class TensorStorage: @unchecked Sendable {
    public let raw: UnsafeMutableRawPointer
    public let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        self.raw = BufferPool.shared.take(byteCount: byteCount)
    }

    deinit { BufferPool.shared.give(raw, byteCount: byteCount) }
}

/// A size-keyed cache of freed buffers. Only buffers of at least `minimumPooledBytes` are kept
/// (small ones are cheap to malloc); the cache holds at most `capacityBytes`.
public final class BufferPool: @unchecked Sendable {
    public static let shared = BufferPool()

    /// Upper bound on the bytes held by idle buffers; the least recently freed size class is trimmed.
    public var capacityBytes = 2 << 30
    let minimumPooledBytes = 1 << 14
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var heldBytes = 0
    private let lock = NSLock()

    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = max(byteCount, 1)
        if size >= minimumPooledBytes {
            lock.lock()
            if let p = free[size]?.popLast() {
                heldBytes -= size
                lock.unlock()
                return p
            }
            lock.unlock()
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    func give(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        let size = max(byteCount, 1)
        guard size >= minimumPooledBytes else { p.deallocate(); return }
        lock.lock()
        if heldBytes + size > capacityBytes {
            lock.unlock()
            p.deallocate()
            return
        }
        free[size, default: []].append(p)
        heldBytes += size
        lock.unlock()
    }

    /// Frees every idle buffer.
    public func drain() {
        lock.lock()
        for (_, list) in free { for p in list { p.deallocate() } }
        free.removeAll()
        heldBytes = 0
        lock.unlock()
    }
}
