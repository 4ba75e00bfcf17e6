// swift-tools-version: 6.0
// The benchmark harness of osstats: its own package, so that the root package's `swift build` and
// `swift test` never build it. It depends on the root package by path (see README.md).
import PackageDescription

let package = Package(
  name: "osstats-benchmarks",
  dependencies: [
    // Named explicitly: a path dependency's identity is otherwise its folder's name, which is the
    // checkout's (any name), and the products below must name it.
    .package(name: "osstats", path: "..")
  ],
  targets: [
    .executableTarget(
      name: "osstats-bench",
      dependencies: [
        .product(name: "Survival", package: "osstats"),
        .product(name: "LinearAlgebra", package: "osstats"),
      ]
    )
  ]
)
