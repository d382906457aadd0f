import Foundation

/// An exclusive claim on a run directory while a process runs in it: `<dir>/.lock`, held with
/// `flock(2)` (released by the kernel when the process ends however it ends, so a lock is never stale;
/// over NFS Linux maps it to a POSIX lock). The file holds the holder's PID and host for the message
/// others see, and is removed on release. Two processes, two shards of a sweep or an overlapping
/// resubmission, therefore never run the same directory at once.
public final class RunDirectoryLock {
    public static let fileName = ".lock"

    /// Another process holds the directory.
    public struct Busy: Error, CustomStringConvertible {
        public let directory: String
        /// "pid 123 on host" as the holder wrote it (empty when it could not be read).
        public let holder: String
        public var description: String {
            "\(directory) is being run by another process\(holder.isEmpty ? "" : " (\(holder))"); skipping it"
        }
    }

    let path: String
    private var descriptor: Int32

    /// Takes the lock of `directory` (created if missing) without waiting.
    public init(directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw TrainingError("--output \(directory) is a file, not a folder")
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw TrainingError(
                "cannot create the run folder \(directory): is a part of its path a file, or not writable?")
        }
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        // A holder removes the file when it releases; a lock taken on a file removed meanwhile guards
        // nothing, so take it again on the file that is there now.
        for _ in 0..<100 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw TrainingError("cannot create the lock file \(path): \(String(cString: strerror(errno)))")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let failure = errno
                let holder = Self.holder(fd)
                close(fd)
                if failure == EWOULDBLOCK { throw Busy(directory: directory, holder: holder) }
                throw TrainingError("cannot lock \(path): \(String(cString: strerror(failure)))")
            }
            var held = stat(), current = stat()
            if fstat(fd, &held) == 0, stat(path, &current) == 0, held.st_ino == current.st_ino,
                held.st_dev == current.st_dev
            {
                descriptor = fd
                let text = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName)\n"
                _ = ftruncate(fd, 0)
                _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
                return
            }
            close(fd)
        }
        throw TrainingError("cannot lock \(path): the lock file keeps being replaced")
    }

    static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return "" }
        return String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Removes the lock file and releases the lock (also done when the lock is deallocated).
    public func release() {
        guard descriptor >= 0 else { return }
        unlink(path)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
