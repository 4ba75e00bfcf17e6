import Testing

@testable import Survival

/// No input may crash: random bytes drawn from the characters that matter to the parser either
/// load or throw an `InputError`, and loaded data always analyse.
@Suite struct RobustnessTests {
  @Test func randomInputsNeverCrash() throws {
    // Rows built from tokens that are valid, missing or broken, with random field counts, line
    // ends and, now and then, a raw byte.
    let times = ["1", "2.5", "0", "7", "7", "", "NA", "-1", "abc", "inf", "1e308", "\"3\""]
    let events = ["1", "0", "1", "true", "", "2", "x"]
    let groups = ["A", "B", "\"a,b\"", "", "é", "\"q\"\"\""]
    let raw: [UInt8] = [0x22, 0x0D, 0x0A, 0x2C, 0xFF, 0xEF, 0xBB, 0xBF, 0x09]
    var rng = SplitMix64(seed: 20_261_125)
    func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
    var loadedCount = 0
    for _ in 0..<3000 {
      var bytes = Array("time,status,g\n".utf8)
      for _ in 0..<Int(rng.next() % 8) {
        var fields = [pick(times), pick(events), pick(groups)]
        if rng.next() % 10 == 0 { fields.removeLast() }
        if rng.next() % 10 == 0 { fields.append("9") }
        bytes += Array(fields.joined(separator: ",").utf8)
        if rng.next() % 12 == 0 { bytes.append(pick(raw)) }
        bytes += Array((rng.next() % 3 == 0 ? "\r\n" : "\n").utf8)
      }
      let spec = ColumnSpec(group: rng.next() % 2 == 0 ? "g" : nil)
      do {
        let loaded = try SurvivalDataLoader.load(bytes: bytes, spec: spec)
        let analysis = try KaplanMeierAnalysis(
          data: loaded.data, options: KaplanMeierOptions(times: [0, 1, 100], tau: 2))
        #expect(analysis.groups.count == loaded.data.groupLabels.count)
        loadedCount += 1
      } catch {
        // An InputError is the expected outcome for most random inputs.
      }
    }
    #expect(loadedCount > 50)
  }

  /// Mutated SAS files (the four ADaM fixtures with random bytes overwritten, or cut short) either
  /// load and analyse or throw an `InputError`: never a crash, a hang or partial data.
  @Test func mutatedSASFilesNeverCrash() throws {
    var rng = SplitMix64(seed: 20_261_207)
    var outcomes = (loaded: 0, refused: 0)
    for file in ["adtte.xpt", "adtte_v8.xpt", "adtte.sas7bdat", "adtte_compressed.sas7bdat"] {
      let original = try datasetBytes("adam/" + file)
      let format = try #require(DataTable.Format.from(fileName: file))
      for k in 0..<400 {
        var bytes = original
        if k % 10 == 9 {
          bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
        } else {
          for _ in 0..<(1 + Int(rng.next() % 8)) {
            bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
          }
        }
        do {
          let loaded = try SurvivalDataLoader.load(ByteSource(bytes: bytes), format: format, spec: ColumnSpec())
          _ = try KaplanMeierAnalysis(data: loaded.data, options: KaplanMeierOptions(times: [6, 12]))
          outcomes.loaded += 1
        } catch {
          outcomes.refused += 1
        }
      }
    }
    #expect(outcomes.loaded + outcomes.refused == 1600)
    #expect(outcomes.refused > 0)
  }
}
