import Foundation
import Survival

// osstats-bench: the Cox benchmark harness (see Benchmarks/README.md).
//
//   osstats-bench generate N P SEED FILE   simulate N rows with P covariates into FILE (CSV)
//   osstats-bench cox FILE REPEATS         read FILE, fit the Cox model (Efron) REPEATS times
//   osstats-bench cox-simulated N P SEED REPEATS
//                                          the same fits on the data `generate` would write,
//                                          simulated in memory (quick timing and profiling)
//   osstats-bench generate-km N SEED FILE  simulate N two-arm patients (time,status,group) into FILE
//   osstats-bench km FILE REPEATS          read FILE, Kaplan–Meier medians + log-rank REPEATS times
//   osstats-bench read FILE FORMAT REPEATS read every column of FILE (csv, xpt, sas7bdat) into a
//                                          typed table REPEATS times

let usage = """
  usage: osstats-bench generate N P SEED FILE
         osstats-bench cox FILE REPEATS
         osstats-bench cox-simulated N P SEED REPEATS
         osstats-bench generate-km N SEED FILE
         osstats-bench km FILE REPEATS
         osstats-bench read FILE csv|xpt|sas7bdat REPEATS
  """

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data((message + "\n").utf8))
  exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
  switch arguments.first {
  case "generate":
    guard arguments.count == 5, let n = Int(arguments[1]), let p = Int(arguments[2]),
      let seed = UInt64(arguments[3]), n > 0, (1...Simulation.allBeta.count).contains(p)
    else { fail(usage) }
    let summary = try Simulation(n: n, p: p, seed: seed).write(to: arguments[4])
    print(summary)
  case "cox":
    guard arguments.count == 3, let repeats = Int(arguments[2]), repeats > 0 else { fail(usage) }
    try CoxBench.run(path: arguments[1], repeats: repeats)
  case "cox-simulated":
    guard arguments.count == 5, let n = Int(arguments[1]), let p = Int(arguments[2]),
      let seed = UInt64(arguments[3]), let repeats = Int(arguments[4]), n > 0, repeats > 0,
      (1...Simulation.allBeta.count).contains(p)
    else { fail(usage) }
    let clock = ContinuousClock()
    let start = clock.now
    let columns = Simulation(n: n, p: p, seed: seed).columns()
    try CoxBench.fit(columns, readSeconds: CoxBench.seconds(clock.now - start), repeats: repeats)
  case "generate-km":
    guard arguments.count == 4, let n = Int(arguments[1]), let seed = UInt64(arguments[2]), n > 0
    else { fail(usage) }
    print(try KMBench.write(n: n, seed: seed, to: arguments[3]))
  case "km":
    guard arguments.count == 3, let repeats = Int(arguments[2]), repeats > 0 else { fail(usage) }
    try KMBench.run(path: arguments[1], repeats: repeats)
  case "read":
    guard arguments.count == 4, let format = DataTable.Format(rawValue: arguments[2]),
      let repeats = Int(arguments[3]), repeats > 0
    else { fail(usage) }
    try InputBench.run(path: arguments[1], format: format, repeats: repeats)
  default:
    fail(usage)
  }
} catch {
  fail("osstats-bench: \(error)")
}
