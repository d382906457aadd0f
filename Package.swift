// swift-tools-version:6.0
// recombine: deep-learning based clustering from JSON method files.
//
// Module layers (lower layers never import higher ones):
//   RecombineTensor      tensor engine and reverse-mode autodiff (OpenBLAS, LAPACKE)
//   RecombineNN          layers, initialisers, optimizers, schedules, safetensors
//   RecombineData        datasets, IDX/gzip, PNG/JPEG image folders, transforms and batch augmentations
//   RecombineClustering  evaluation metrics, k-means, PCA
//   RecombineMethod      JSON (json-c), schema validation, semantic checks, method compiler
//   RecombineTraining    design patterns, cluster-assignment strategies, the phased trainer, run outputs
//   RecombineReport      run reports from run directories: SVG plots, report.html, multi-run summaries
//   RecombineCLI         the `recombine` command
//   SourceRevisionPlugin build tool: the git revision a binary is built from, for run provenance
//   EmbedSchemaPlugin    build tool: Schema/**/*.json compiled into RecombineMethod
import PackageDescription

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
        .library(name: "RecombineReport", targets: ["RecombineReport"]),
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
        // PNG/JPEG decoding with libpng's and libjpeg's setjmp error handling kept in C.
        .target(name: "CImageDecoding", dependencies: ["CPNG", "CJPEG"]),

        .target(
            name: "RecombineTensor",
            dependencies: [
                "CBLASLAPACKE",
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
        .target(
            name: "RecombineTraining",
            dependencies: [
                "RecombineTensor", "RecombineNN", "RecombineData", "RecombineClustering", "RecombineMethod",
            ], plugins: ["SourceRevisionPlugin"]),
        .plugin(name: "SourceRevisionPlugin", capability: .buildTool()),
        .target(
            name: "RecombineReport",
            dependencies: [
                "RecombineTensor", "RecombineNN", "RecombineClustering", "RecombineMethod", "CZlib",
            ]),
        .executableTarget(
            name: "RecombineCLI",
            dependencies: [
                "RecombineTensor", "RecombineNN", "RecombineData", "RecombineClustering", "RecombineMethod",
                "RecombineTraining", "RecombineReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "RecombineFuzz", dependencies: ["RecombineMethod"]),
        .executableTarget(
            name: "RecombineBench",
            dependencies: [
                "RecombineTensor", "RecombineNN", "RecombineData", "RecombineClustering", "RecombineMethod",
                "RecombineTraining", "CBLASLAPACKE",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

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
        .testTarget(
            name: "RecombineTrainingTests",
            dependencies: [
                "RecombineTraining", "RecombineMethod", "RecombineTensor", "RecombineNN", "RecombineTestSupport",
            ]),
        .testTarget(
            name: "RecombineBenchTests",
            dependencies: ["RecombineBench", "RecombineTraining", "RecombineTestSupport"]),
        // The command's contract (exit statuses, messages), run as a user runs it.
        .testTarget(
            name: "RecombineCLITests", dependencies: ["RecombineCLI", "RecombineTraining", "RecombineTestSupport"]),
        .testTarget(
            name: "RecombineReportTests",
            dependencies: [
                "RecombineReport", "RecombineTraining", "RecombineMethod", "RecombineTensor", "CZlib",
                "RecombineTestSupport",
            ]),
    ],
    swiftLanguageModes: [.v5]
)
