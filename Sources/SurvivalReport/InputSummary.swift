import Survival

/// What an analysis read: the file, its digest, the rows read and excluded, and the column
/// mapping. Every output carries it so that a result can be traced to its input.
public struct InputSummary: Sendable {
  /// The file name as given (`<stdin>` for standard input).
  public var file: String
  /// SHA-256 of the bytes read, as hexadecimal.
  public var sha256: String
  /// The loaded data's record (rows read, exclusions, mapping).
  public var loaded: LoadedSurvivalData

  /// A summary of `loaded`, read from `file` whose bytes hash to `sha256`.
  public init(file: String, sha256: String, loaded: LoadedSurvivalData) {
    self.file = file
    self.sha256 = sha256
    self.loaded = loaded
  }

  /// Rows analysed.
  public var rowsUsed: Int { loaded.data.count }

  /// Warnings about the input itself: groups emptied by the exclusions.
  public var warnings: [String] {
    loaded.emptiedGroups.map { "group \($0) has no subjects left after the exclusions, so it is not analysed" }
  }

  /// The `"input"` block of the JSON contract.
  public var json: JSONValue {
    let m = loaded.mapping
    return .object([
      ("file", .string(file)),
      ("sha256", .string(sha256)),
      ("rows_read", .int(loaded.rowsRead)),
      ("rows_used", .int(rowsUsed)),
      ("rows_excluded", .int(loaded.exclusions.count)),
      ("rows_other_parameter", .int(loaded.rowsOtherParameter)),
      (
        "exclusions",
        .array(
          loaded.exclusions.map { e in
            .object([("line", .int(e.line)), ("column", .string(e.column)), ("reason", .string(e.reason))])
          })
      ),
      (
        "mapping",
        .object([
          ("kind", .string(m.kind)), ("time", .string(m.time)), ("event", .string(m.event)),
          ("group", .string(m.group)), ("param", .string(m.param)),
          ("description", .string(m.description)),
          ("labels", .object(m.labels.keys.sorted().map { ($0, .string(m.labels[$0])) })),
          ("time_unit", .string(m.timeUnit)),
          ("event_coding", .string(m.eventCoding.description)),
        ])
      ),
      ("format", .string(loaded.table.format.rawValue)),
      (
        "filters",
        .array(loaded.filtered.map { f in .object([("filter", .string(f.filter.description)), ("rows_removed", .int(f.rows))]) })
      ),
    ])
  }

  /// Two lines for text output: what was read and excluded, and how columns were mapped.
  public var textLines: [String] {
    var first = "Input: \(file), \(loaded.rowsRead) row\(loaded.rowsRead == 1 ? "" : "s") read, \(rowsUsed) used"
    if loaded.rowsOtherParameter > 0 {
      first += ", \(loaded.rowsOtherParameter) of other parameters skipped"
    }
    first += ", \(loaded.exclusions.count) excluded"
    if !loaded.exclusions.isEmpty {
      var counts: [String: Int] = [:]
      var order: [String] = []
      for e in loaded.exclusions {
        if counts[e.reason] == nil { order.append(e.reason) }
        counts[e.reason, default: 0] += 1
      }
      let lines = loaded.exclusions.prefix(10).map { String($0.line) }.joined(separator: ", ")
      let more = loaded.exclusions.count > 10 ? ", ..." : ""
      first +=
        " (" + order.map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        + "; \(loaded.table.format.isSAS ? "record" : "line")\(loaded.exclusions.count == 1 ? "" : "s") \(lines)\(more))"
    }
    var lines = [first, "Columns: \(loaded.mapping.description)"]
    if !loaded.filtered.isEmpty {
      lines.append(
        "Filters: " + loaded.filtered.map { "\($0.filter) (removed \($0.rows) row\($0.rows == 1 ? "" : "s"))" }.joined(separator: "; "))
    }
    return lines
  }
}
