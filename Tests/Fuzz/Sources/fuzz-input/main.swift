import Foundation
import FuzzDriver
import Survival

/// One input: the first byte chooses the format (CSV, TSV, XPT, SAS7BDAT) and the column
/// mapping; the rest is the file's bytes. Any outcome but a crash or a hang is a pass: bad bytes
/// must come back as an `InputError`. With bit 0x20 of the first byte the event column is read
/// as a competing-risks status (0 censored, other values causes) and the cumulative incidence and
/// Gray's test are computed from it.
func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  guard size > 0 else { return 0 }
  let selector = data[0]
  let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
  let formats: [DataTable.Format] = [.csv, .tsv, .xpt, .sas7bdat]
  let format = formats[Int(selector & 3)]
  var covariates = ColumnSpec(time: "time", event: "status", noGroup: true)
  covariates.extra = ["x", "age"]
  covariates.textColumns = ["x"]
  let specs = [
    ColumnSpec(time: "time", event: "status", group: "group"),
    covariates,
    ColumnSpec(),  // ADaM ADTTE defaults (AVAL, CNSR, PARAMCD, TRT01P)
    ColumnSpec(time: "time", event: "status", group: "arm", strata: ["stratum"]),
  ]
  var spec = specs[Int((selector >> 2) & 3)]
  if selector & 0x10 != 0 { spec.filters = [RowFilter(column: "SAFFL", value: "Y")] }
  let competing = selector & 0x20 != 0 && spec.param == nil && spec.time != nil
  if competing { spec.censorValue = "0" }
  let loaded = try? SurvivalDataLoader.load(
    ByteSource(bytes: bytes), format: format, delimiter: format == .tsv ? 9 : UInt8(ascii: ","), spec: spec)
  if competing, let loaded, let data = try? loaded.competingRisks() {
    _ = try? CumulativeIncidenceAnalysis(data: data, options: CumulativeIncidenceOptions(times: [1, 10]))
    _ = try? GrayTest.all(data)
  }
  return 0
}

var arguments = CommandLine.arguments.map { strdup($0) } + [nil]
var count = Int32(CommandLine.arguments.count)
let status = arguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
  var argv = buffer.baseAddress
  return LLVMFuzzerRunDriver(&count, &argv) { data, size in fuzzInput(data, size) }
}
exit(status)
