import Foundation
import FuzzDriver
import SurvivalReport

/// One design file's bytes through the reader that monitor, report and simulate use: any
/// outcome but a crash or a hang is a pass.
func fuzzDesign(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  _ = try? DesignFile.parse(Data(bytes: data, count: size))
  return 0
}

var arguments = CommandLine.arguments.map { strdup($0) } + [nil]
var count = Int32(CommandLine.arguments.count)
let status = arguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
  var argv = buffer.baseAddress
  return LLVMFuzzerRunDriver(&count, &argv) { data, size in fuzzDesign(data, size) }
}
exit(status)
