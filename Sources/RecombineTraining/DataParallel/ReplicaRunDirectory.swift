import Foundation

/// Where the processes of a data-parallel run write: rank 0 the run directory, every other process a
/// private scratch folder of its own (removed by `MethodRunner.removeReplicaDirectory`), so that rank 0
/// alone writes the run, its logs, checkpoints and reports while all processes run the same code.
struct ReplicaRunDirectory {
    /// The run directory (rank 0's), where checkpoints are read from.
    let primary: String
    /// Where this process writes: `primary` on rank 0, its scratch folder elsewhere.
    let own: String

    /// Rank 0 names (or creates) the run directory and tells the others; the others make their scratch
    /// folders and stop writing logs to the terminal or files.
    init(method: String, configuration: inout RunConfiguration) throws {
        let group = configuration.dataParallel
        if group.isPrimary {
            primary = try configuration.outputDirectory ?? RunConfiguration.newDefaultRunDirectory(method: method)
            own = primary
            if group.size > 1 { _ = group.broadcast(primary) }
            return
        }
        primary = group.broadcast("")
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("recombine-rank\(group.rank)-XXXXXX")
        var path = Array(template.utf8CString)
        guard mkdtemp(&path) != nil else {
            throw TrainingError("rank \(group.rank): cannot create a scratch folder like \(template): \(errno)")
        }
        own = String(cString: path)
        configuration.quiet = true; configuration.writeLogFile = false; configuration.oneLogFile = nil
    }

    /// What rank 0 decided about the run directory (`decide`, run on rank 0 only: lock it, then true to
    /// resume its checkpoint), told to every process; an error there (finished, locked by another
    /// process, failed) is raised on the others too.
    static func agree(_ group: DataParallelGroup, primary: String, decide: () throws -> Bool) throws -> Bool {
        guard group.size > 1 else { return try decide() }
        enum Outcome: Int {
            case start = 0
            case resume = 1
            case finished = 2
            case busy = 3
            case failed = 4
        }
        if group.isPrimary {
            do {
                let resume = try decide()
                _ = group.broadcast((resume ? Outcome.resume : .start).rawValue)
                return resume
            } catch let finished as RunDirectoryClaim.AlreadyFinished {
                _ = group.broadcast(Outcome.finished.rawValue)
                throw finished
            } catch let busy as RunDirectoryLock.Busy {
                _ = group.broadcast(Outcome.busy.rawValue)
                throw busy
            } catch {
                _ = group.broadcast(Outcome.failed.rawValue)
                throw error
            }
        }
        switch Outcome(rawValue: group.broadcast(0)) {
        case .start: return false
        case .resume: return true
        case .finished: throw RunDirectoryClaim.AlreadyFinished(directory: primary)
        case .busy: throw RunDirectoryLock.Busy(directory: primary, holder: "")
        default: throw TrainingError("rank 0 could not start the run in \(primary) (its messages say why)")
        }
    }
}
