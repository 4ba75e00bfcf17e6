// swift-tools-version: 6.0
// Coverage-guided fuzz targets for osstats (libFuzzer through `-sanitize=fuzzer`), built apart
// from the main package so that the instrumented build never touches it: see run.sh.
import PackageDescription

let package = Package(
  name: "osstats-fuzz",
  dependencies: [
    .package(name: "osstats", path: "../.."),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
  ],
  targets: [
    // SwiftPM gives an executable its own main; it hands over to libFuzzer's driver.
    .target(name: "FuzzDriver"),
    // CSV/TSV and SAS (XPT, SAS7BDAT) bytes through the loader, as every command reads them.
    .executableTarget(
      name: "fuzz-input", dependencies: ["FuzzDriver", .product(name: "Survival", package: "osstats")]),
    // Design-file bytes through DesignFile.parse, as monitor, report and simulate read them.
    .executableTarget(
      name: "fuzz-design", dependencies: ["FuzzDriver", .product(name: "SurvivalReport", package: "osstats")]),
    // The command-line code itself: Sources/OSStatsCommands is a symbolic link to the main
    // package's Sources/osstats (an executable target, which no other package can depend on),
    // compiled here as a library. Its @main entry point is renamed so that it does not clash
    // with the fuzz target's own main; -enable-testing lets the target reach its internal types.
    .target(
      name: "OSStatsCommands",
      dependencies: [
        .product(name: "Survival", package: "osstats"),
        .product(name: "TrialDesign", package: "osstats"),
        .product(name: "SurvivalReport", package: "osstats"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: [
        .unsafeFlags(["-enable-testing", "-Xfrontend", "-entry-point-function-name", "-Xfrontend", "osstats_commands_main"])
      ]),
    // Every subcommand's option parsing and validation, as the binary does it (fuzz-options/main.swift).
    .executableTarget(
      name: "fuzz-options",
      dependencies: [
        "FuzzDriver", "OSStatsCommands",
        .product(name: "Survival", package: "osstats"),
        .product(name: "TrialDesign", package: "osstats"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: [.unsafeFlags(["-enable-testing"])]),
  ]
)
