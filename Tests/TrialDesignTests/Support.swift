import Foundation

@testable import TrialDesign

/// The repository, found from this file's path.
let repository = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A reference fixture under Datasets/References/ as a JSON object; nil when it cannot be read.
func referenceObject(_ name: String) -> [String: Any]? {
  guard let data = try? Data(contentsOf: repository.appendingPathComponent("Datasets/References/\(name)")) else { return nil }
  return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
}

/// The Kolmogorov–Smirnov statistic D = sup |Fₙ(x) − F(x)| of a sample against a continuous CDF:
/// with the sample sorted, max over i of max(i/n − F(x₍ᵢ₎), F(x₍ᵢ₎) − (i−1)/n).
func kolmogorovSmirnov(_ sample: [Double], cdf: (Double) -> Double) -> Double {
  let sorted = sample.sorted()
  let n = Double(sorted.count)
  var d = 0.0
  for (i, x) in sorted.enumerated() {
    let f = cdf(x)
    d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
  }
  return d
}

/// The asymptotic 0.1% critical value of D for a sample of n: 1.95/√n (Kolmogorov's limit
/// distribution, P(√n·D > 1.949) = 0.001; Smirnov 1948 table).
func ksCritical(_ n: Int) -> Double { 1.95 / Double(n).squareRoot() }

/// A two-arm design used across the tests; exponential control with median 12, HR 0.7.
func twoArmDesign(
  patients: Int = 400,
  factors: [TrialSimulationDesign.StratificationFactor] = [],
  dropout: TrialSimulationDesign.Dropout = .exponential(rate: 0.01),
  cutoff: TrialSimulationDesign.AnalysisCutoff = .events(200)
) throws -> TrialSimulationDesign {
  try TrialSimulationDesign(
    arms: [
      .init(name: "control", survival: .distribution(.exponential(median: 12))),
      .init(name: "experimental", survival: .hazardRatio(0.7)),
    ],
    blockSize: 4, factors: factors, accrual: .uniform(duration: 24), dropout: dropout,
    patients: patients, cutoff: cutoff)
}

let salvage = TrialSimulationDesign.StratificationFactor(
  name: "salvage", levels: ["intensive chemotherapy", "azacitidine"], prevalences: [0.6, 0.4])
