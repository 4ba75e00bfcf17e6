// swift-tools-version: 6.0
// Coverage-guided fuzz targets for osstats (libFuzzer through `-sanitize=fuzzer`), built apart
// from the main package so that the instrumented build never touches it: see run.sh.
import PackageDescription

let package = Package(
  name: "osstats-fuzz",
  dependencies: [.package(name: "osstats", path: "../..")],
  targets: [
    // SwiftPM gives an executable its own main; it hands over to libFuzzer's driver.
    .target(name: "FuzzDriver"),
    // CSV/TSV and SAS (XPT, SAS7BDAT) bytes through the loader, as every command reads them.
    .executableTarget(
      name: "fuzz-input", dependencies: ["FuzzDriver", .product(name: "Survival", package: "osstats")]),
    // Design-file bytes through DesignFile.parse, as monitor, report and simulate read them.
    .executableTarget(
      name: "fuzz-design", dependencies: ["FuzzDriver", .product(name: "SurvivalReport", package: "osstats")]),
  ]
)
