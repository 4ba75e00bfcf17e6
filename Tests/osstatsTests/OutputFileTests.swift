import Foundation
import Testing

/// Output files: a symbolic link is written through to its target, a FIFO is written directly,
/// and a Markdown report with its SVG plots is written whole or not at all.
@Suite struct OutputFileTests {
  func folder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osstats-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func symbolicLinkIsWrittenThrough() throws {
    let dir = try folder()
    let target = dir.appendingPathComponent("real.json").path
    let link = dir.appendingPathComponent("link.json").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.json")
    let r = try osstats(["km", "Datasets/aml.csv", "--group", "x", "--output", link])
    #expect(r.status == 0, "\(r.stderr)")
    let attributes = try FileManager.default.attributesOfItem(atPath: link)
    #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
    #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"analysis\": \"kaplan-meier\""))
  }

  @Test func fifoIsWrittenDirectly() throws {
    let dir = try folder()
    let fifo = dir.appendingPathComponent("out.json").path
    #expect(mkfifo(fifo, 0o600) == 0)
    final class Box: @unchecked Sendable { var data = Data() }
    let box = Box()
    let reader = Thread {
      if let h = FileHandle(forReadingAtPath: fifo) { box.data = h.readDataToEndOfFile() }
    }
    reader.start()
    let r = try osstats(["km", "Datasets/aml.csv", "--group", "x", "--output", fifo])
    #expect(r.status == 0, "\(r.stderr)")
    while reader.isExecuting { usleep(1000) }
    #expect(String(decoding: box.data, as: UTF8.self).contains("\"analysis\": \"kaplan-meier\""))
    var info = stat()
    #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
  }

  @Test func markdownReportIsAllOrNothing() throws {
    let dir = try folder()
    // The KM plot's file name is taken by a directory: that plot cannot be written, so nothing is.
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("r-km.svg"), withIntermediateDirectories: false)
    let page = dir.appendingPathComponent("r.md").path
    let r = try osstats(["report", "Datasets/simulated_trial_73.csv", "--group", "arm", "--output", page])
    #expect(r.status == 73, "\(r.stderr)")
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(left == ["r-km.svg"], "\(left)")
  }
}
