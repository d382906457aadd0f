// swift-tools-version:6.1
// recombine: deep-learning based clustering from JSON method files.
//
// Module layers (lower layers never import higher ones):
//   RecombineTensor      tensor engine and reverse-mode autodiff (OpenBLAS, LAPACKE)
//   RecombineNN          layers, initialisers, optimizers, schedules, safetensors
//   RecombineData        datasets, IDX/gzip, PNG/JPEG image folders, transforms and batch augmentations
//   RecombineClustering  evaluation metrics, k-means, Gaussian mixtures, AC-PIC, PCA, t-SNE
//   RecombineMethod      JSON (json-c), schema validation, semantic checks, method compiler
//   RecombineTraining    design patterns, cluster-assignment strategies, the phased trainer, run outputs
//   RecombineReport      run reports from run directories: SVG plots, report.html, multi-run summaries
//   RecombineCLI         the `recombine` command
//   SourceRevisionPlugin build tool: the git revision a binary is built from, for run provenance
//   EmbedSchemaPlugin    build tool: Schema/**/*.json compiled into RecombineMethod
//   RecombineDistributed data-parallel training over MPI (only with `--traits MPI`; CMPIShim, CMPI below it)
import PackageDescription

/// The pkg-config name of the MPI library the `MPI` trait links: Open MPI's by default, e.g. `mpich` for MPICH.
let mpiPackage = Context.environment["RECOMBINE_MPI_PKG"] ?? "ompi-c"

let package = Package(
    name: "recombine",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "recombine", targets: ["RecombineCLI"]),
        .executable(name: "recombine-bench", targets: ["RecombineBench"]),
        .executable(name: "recombine-fuzz", targets: ["RecombineFuzz"]),
        .library(name: "RecombineTensor", targets: ["RecombineTensor"]),
        .library(name: "RecombineNN", targets: ["RecombineNN"]),
        .library(name: "RecombineData", targets: ["RecombineData"]),
        .library(name: "RecombineClustering", targets: ["RecombineClustering"]),
        .library(name: "RecombineMethod", targets: ["RecombineMethod"]),
        .library(name: "RecombineTraining", targets: ["RecombineTraining"]),
        .library(name: "RecombineRunFiles", targets: ["RecombineRunFiles"]),
        .library(name: "RecombineReport", targets: ["RecombineReport"]),
    ],
    traits: [
        .trait(
            name: "MPI",
            description:
                "Data-parallel training over the system's MPI (`mpirun -np P recombine run FILE`); needs libopenmpi-dev, or RECOMBINE_MPI_PKG=mpich with libmpich-dev"
        )
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLASLAPACKE", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CJSONC", pkgConfig: "json-c", providers: [.apt(["libjson-c-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // MPI, linked only by the `MPI` trait: pkg-config supplies the library (-lmpi or -lmpich), and the shim's
        // handle-free C API keeps MPI's types (pointers in Open MPI, integers in MPICH) away from Swift.
        .systemLibrary(name: "CMPI", pkgConfig: mpiPackage, providers: [.apt(["libopenmpi-dev"])]),
        // Without the trait both targets compile to nothing (SwiftPM builds every target), and CMPI's
        // pkg-config is never asked, so machines without MPI build as before.
        .target(
            name: "CMPIShim", dependencies: [.target(name: "CMPI", condition: .when(traits: ["MPI"]))],
            cSettings: [.define("RECOMBINE_MPI", .when(traits: ["MPI"]))]),
        .target(
            name: "RecombineDistributed", dependencies: ["CMPIShim", "RecombineTraining"],
            swiftSettings: [.define("RECOMBINE_MPI", .when(traits: ["MPI"]))]),
        // PNG/JPEG decoding with libpng's and libjpeg's setjmp error handling kept in C.
        .target(name: "CImageDecoding", dependencies: ["CPNG", "CJPEG"]),

        .target(
            name: "RecombineTensor",
            dependencies: [
                "CBLASLAPACKE", "CKernels",
                .product(name: "RealModule", package: "swift-numerics"),
            ]),
        .target(name: "RecombineNN", dependencies: ["RecombineTensor", "CBLASLAPACKE"]),
        .target(name: "RecombineData", dependencies: ["RecombineTensor", "CZlib", "CKernels", "CImageDecoding"]),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "RecombineClustering",
            dependencies: [
                "RecombineTensor", "CBLASLAPACKE", "CKernels",
            ]),
        .target(
            name: "RecombineMethod",
            dependencies: [
                "RecombineTensor", "RecombineNN", "RecombineData", "CJSONC",
            ], plugins: ["EmbedSchemaPlugin"]),
        .plugin(name: "EmbedSchemaPlugin", capability: .buildTool()),
        .target(name: "RecombineRunFiles"),
        .target(
            name: "RecombineTraining",
            dependencies: [
                "RecombineTensor", "RecombineNN", "RecombineData", "RecombineClustering", "RecombineMethod",
                "RecombineRunFiles",
            ], plugins: ["SourceRevisionPlugin"]),
        .plugin(name: "SourceRevisionPlugin", capability: .buildTool()),
        .target(
            name: "RecombineReport",
            dependencies: [
                "RecombineTensor", "RecombineNN", "RecombineData", "RecombineClustering", "RecombineMethod",
                "RecombineTraining", "RecombineRunFiles", "CZlib",
            ]),
        .executableTarget(
            name: "RecombineCLI",
            dependencies: [
                "RecombineTensor", "RecombineNN", "RecombineData", "RecombineClustering", "RecombineMethod",
                "RecombineTraining", "RecombineReport", "RecombineRunFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .target(name: "RecombineDistributed", condition: .when(traits: ["MPI"])),
            ],
            swiftSettings: [.define("RECOMBINE_MPI", .when(traits: ["MPI"]))]),
        .executableTarget(name: "RecombineFuzz", dependencies: ["RecombineMethod"]),
        .executableTarget(
            name: "RecombineBench",
            dependencies: [
                "RecombineTensor", "RecombineNN", "RecombineData", "RecombineClustering", "RecombineMethod",
                "RecombineTraining", "CBLASLAPACKE",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .target(name: "RecombineDistributed", condition: .when(traits: ["MPI"])),
            ],
            swiftSettings: [.define("RECOMBINE_MPI", .when(traits: ["MPI"]))]),

        // Test support shared by every test target: NaN-aware comparisons, finite-difference assertions,
        // Python oracles that fail under CI=true instead of skipping, repository paths, temporary folders.
        .target(name: "RecombineTestSupport", dependencies: ["RecombineTensor"], path: "Tests/RecombineTestSupport"),
        .testTarget(name: "RecombineTestSupportTests", dependencies: ["RecombineTestSupport", "RecombineTensor"]),
        .testTarget(name: "RecombineTensorTests", dependencies: ["RecombineTensor", "RecombineTestSupport"]),
        .testTarget(
            name: "RecombineNNTests", dependencies: ["RecombineNN", "RecombineTensor", "RecombineTestSupport"]),
        .testTarget(
            name: "RecombineDataTests", dependencies: ["RecombineData", "RecombineTensor", "RecombineTestSupport"]),
        .testTarget(
            name: "RecombineClusteringTests",
            dependencies: ["RecombineClustering", "RecombineData", "RecombineTensor", "RecombineTestSupport"]),
        .testTarget(
            name: "RecombineMethodTests", dependencies: ["RecombineMethod", "RecombineData", "RecombineTestSupport"]),
        .testTarget(name: "RecombineRunFilesTests", dependencies: ["RecombineRunFiles", "RecombineTestSupport"]),
        .testTarget(
            name: "RecombineTrainingTests",
            dependencies: [
                "RecombineTraining", "RecombineMethod", "RecombineTensor", "RecombineNN", "RecombineRunFiles",
                "RecombineTestSupport",
            ]),
        .testTarget(
            name: "RecombineBenchTests",
            dependencies: ["RecombineBench", "RecombineTraining", "RecombineTestSupport"]),
        // The command's contract (exit statuses, messages), run as a user runs it.
        .testTarget(
            name: "RecombineCLITests",
            dependencies: ["RecombineCLI", "RecombineData", "RecombineTraining", "RecombineTestSupport"]),
        .testTarget(
            name: "RecombineReportTests",
            dependencies: [
                "RecombineReport", "RecombineTraining", "RecombineMethod", "RecombineRunFiles", "RecombineTensor",
                "CZlib", "RecombineTestSupport",
            ]),
    ],
    swiftLanguageModes: [.v5]
)
