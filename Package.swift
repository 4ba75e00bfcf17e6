// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "osstats",
  products: [
    .library(name: "Survival", targets: ["Survival"]),
    .library(name: "SurvivalReport", targets: ["SurvivalReport"]),
    .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    .library(name: "TrialDesign", targets: ["TrialDesign"]),
    .executable(name: "osstats", targets: ["osstats"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    // `swift package generate-documentation` for the DocC catalogs (Sources/*/*.docc).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // BLAS from Debian's OpenBLAS (cblas.h) and LAPACK through netlib's LAPACKE (lapacke.h).
    .systemLibrary(
      name: "CLAPACK",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapack-dev", "liblapacke-dev"])]
    ),
    // SAS transport and SAS7BDAT files through Debian's ReadStat (libreadstat-dev ships no .pc).
    .systemLibrary(name: "CReadStat", providers: [.apt(["libreadstat-dev"])]),
    .target(name: "LinearAlgebra", dependencies: ["CLAPACK"]),
    .target(
      name: "Survival",
      dependencies: ["LinearAlgebra", "CReadStat", .product(name: "Crypto", package: "swift-crypto")]),
    .target(name: "TrialDesign", dependencies: ["Survival"]),
    .target(name: "SurvivalReport", dependencies: ["Survival", "TrialDesign"]),
    .executableTarget(
      name: "osstats",
      dependencies: [
        "Survival",
        "TrialDesign",
        "SurvivalReport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
    .testTarget(name: "SurvivalTests", dependencies: ["Survival"]),
    .testTarget(name: "TrialDesignTests", dependencies: ["TrialDesign"]),
    .testTarget(name: "SurvivalReportTests", dependencies: ["SurvivalReport"]),
    // The help snapshots are read from the repository by path, not bundled.
    .testTarget(name: "osstatsTests", dependencies: ["osstats"], exclude: ["Snapshots"]),
  ]
)
