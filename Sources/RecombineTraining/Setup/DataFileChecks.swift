import Foundation
import RecombineData
import RecombineMethod

/// What `validate` checks of the data files a method names (CSV, NPY, IDX, image folders) when they exist: that they
/// read, and the shape checks a run makes once it loads them. Missing files are no problem here (a run
/// reports them); built-in datasets are never downloaded for this.
public enum DataFileChecks {
    /// Problems, each naming the method file, the dataset's pointer and what is wrong.
    public static func issues(_ spec: MethodSpec, locations: DataLocations) -> [String] {
        let factory = DatasetFactory(baseDirectory: spec.baseDirectory, locations: locations)
        var found: [String] = []
        for dataset in spec.orderedDatasets where dataset.enabled && !SampleShapes.isKnownFromMethodFile(dataset) {
            guard let file = mainFile(of: dataset, factory: factory), FileManager.default.fileExists(atPath: file)
            else { continue }
            do {
                let data = try factory.load(dataset, seed: 0)
                found += MethodCompiler.checkShapes(spec, dataset: dataset, loadedSampleShape: data.sampleShape).map {
                    "\($0) (the samples of \(file) have shape \(data.sampleShape))"
                }
            } catch {
                found.append(
                    "\(spec.document.file): \(dataset.pointer): dataset '\(dataset.name)' cannot be read: \(error)")
            }
        }
        return found
    }

    /// The file whose samples a CSV, NPY or IDX dataset reads.
    static func mainFile(of dataset: DatasetSpec, factory: DatasetFactory) -> String? {
        switch dataset.kind {
        case .csv: return (try? dataset.options(DatasetOptions.CSV.self)).map { factory.resolve($0.path) }
        case .npy: return (try? dataset.options(DatasetOptions.NPY.self)).map { factory.resolve($0.path) }
        case .imageFolder: return (try? ImageFolderOptions.of(dataset)).map { factory.resolve($0.path) }
        case .idx:
            return (try? dataset.options(DatasetOptions.IDX.self)).map {
                (factory.resolve($0.root) as NSString).appendingPathComponent($0.imagesFile)
            }
        case .mnist, .fashionMNIST, .usps, .gaussianMixture, .blobs, nil: return nil
        }
    }
}
