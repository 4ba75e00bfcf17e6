import Crypto
import Foundation

/// The bytes of an input, read once: a file mapped into memory (no copy), or standard input or a
/// pipe read to its end. Tables read from it keep it alive for the locations in their messages.
public final class ByteSource: @unchecked Sendable {
  private let base: UnsafeRawPointer?
  private let count: Int
  private let mapped: Bool
  private let storage: [UInt8]

  /// Bytes held in memory.
  public init(bytes: [UInt8]) {
    storage = bytes
    base = nil
    count = bytes.count
    mapped = false
  }

  /// The file at `path`, mapped read-only when it is a regular file, else read to its end (a FIFO,
  /// a character device).
  /// - Throws: ``SourceError`` naming why the file cannot be read.
  public init(path: String) throws(SourceError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SourceError(reason: Self.reason(errno)) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw SourceError(reason: Self.reason(errno)) }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw SourceError(reason: "is a directory") }
    if (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0 {
      let size = Int(info.st_size)
      guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != UnsafeMutableRawPointer(bitPattern: -1) else {
        throw SourceError(reason: Self.reason(errno))
      }
      _ = madvise(p, size, MADV_SEQUENTIAL | MADV_WILLNEED)
      base = UnsafeRawPointer(p)
      count = size
      mapped = true
      storage = []
    } else {
      storage = try Self.readAll(fd)
      base = nil
      count = storage.count
      mapped = false
    }
  }

  /// Standard input, read to its end.
  /// - Throws: ``SourceError`` when it is closed, a directory or unreadable.
  public static func standardInput() throws(SourceError) -> ByteSource {
    var info = stat()
    guard fstat(0, &info) == 0 else { throw SourceError(reason: "standard input is closed") }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw SourceError(reason: "standard input is a directory") }
    return ByteSource(bytes: try readAll(0))
  }

  private static func readAll(_ fd: Int32) throws(SourceError) -> [UInt8] {
    var out: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n == 0 { break }
      if n < 0 {
        if errno == EINTR { continue }
        throw SourceError(reason: reason(errno))
      }
      out.append(contentsOf: block[0..<n])
    }
    return out
  }

  private static func reason(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "no such file"
    case EACCES: return "permission denied"
    case EISDIR: return "is a directory"
    default: return String(cString: strerror(code))
    }
  }

  deinit {
    if mapped, let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
  }

  /// Lets the kernel drop a mapped file's pages from memory once it has been parsed (they are read
  /// back from the page cache if a message needs a location); nothing for bytes held in memory.
  public func releaseResidentPages() {
    if mapped, let base { _ = madvise(UnsafeMutableRawPointer(mutating: base), count, MADV_DONTNEED) }
  }

  /// True when the bytes are a file mapped into memory (its pages can be released and re-read).
  public var isMapped: Bool { mapped }

  /// Number of bytes.
  public var byteCount: Int { count }

  /// Calls `body` with the bytes.
  public func withBytes<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
    if let base { return try body(UnsafeRawBufferPointer(start: base, count: count)) }
    let result: Result<T, E> = storage.withUnsafeBytes { b in
      do throws(E) { return .success(try body(b)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// The SHA-256 of the bytes, as 64 lowercase hexadecimal digits.
  public var sha256: String {
    withBytes { b in
      SHA256.hash(data: b).map { byte in
        let s = String(byte, radix: 16)
        return byte < 16 ? "0" + s : s
      }.joined()
    }
  }

  /// The SHA-256 of `bytes` (hex).
  public static func sha256(_ bytes: [UInt8]) -> String { ByteSource(bytes: bytes).sha256 }
}

/// Why an input cannot be read ("no such file", "is a directory", …).
public struct SourceError: Error, Sendable, Equatable {
  /// The reason, in words.
  public var reason: String
}
