// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "osstats",
  products: [
    .library(name: "Survival", targets: ["Survival"]),
    .library(name: "SurvivalReport", targets: ["SurvivalReport"]),
    .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    .executable(name: "osstats", targets: ["osstats"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // BLAS from Debian's OpenBLAS (cblas.h) and LAPACK through netlib's LAPACKE (lapacke.h).
    .systemLibrary(
      name: "CLAPACK",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapack-dev", "liblapacke-dev"])]
    ),
    .target(name: "LinearAlgebra", dependencies: ["CLAPACK"]),
    .target(name: "Survival", dependencies: ["LinearAlgebra"]),
    .target(name: "SurvivalReport", dependencies: ["Survival"]),
    .executableTarget(
      name: "osstats",
      dependencies: [
        "Survival",
        "SurvivalReport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
    .testTarget(name: "SurvivalTests", dependencies: ["Survival"]),
    .testTarget(name: "SurvivalReportTests", dependencies: ["SurvivalReport"]),
    .testTarget(name: "osstatsTests", dependencies: ["osstats"]),
  ]
)
