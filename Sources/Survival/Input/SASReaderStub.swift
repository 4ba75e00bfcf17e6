// TEMPORARY stub until SASReader.swift lands (delete this file when SASReader.swift exists).
#if !SAS_READER_READY
enum SASReader {
  static func read(bytes: UnsafeRawBufferPointer, format: DataTable.Format, columns: Set<String>?, member: String? = nil) throws(TableError) -> DataTable {
    throw TableError(line: 0, column: 0, "SAS reader not built yet")
  }
}
#endif
