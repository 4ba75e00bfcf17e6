import Foundation
import Survival

/// xoshiro256** 1.0 (Blackman and Vigna 2021, "Scrambled linear pseudorandom number generators",
/// ACM Transactions on Mathematical Software 47(4):36; the reference C is Vigna's
/// `xoshiro256starstar.c`, 2018): a 256-bit xorshift state with the `**` scrambler
/// (`rotl(s1 · 5, 7) · 9`), period 2²⁵⁶ − 1, equidistributed in 4 dimensions.
///
/// Seeding (Vigna's recommendation): the four state words are the first four outputs of
/// ``SplitMix64`` started at the seed. They cannot all be zero, because SplitMix64's output
/// function is a bijection of distinct states.
///
/// Every method is specified exactly, so a simulation is the same on every machine, in every run
/// and for every thread count.
public struct Xoshiro256StarStar: Sendable, Equatable {
  /// The 256-bit state, s0…s3 as in the reference C.
  public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

  /// A generator whose state is the first four outputs of `SplitMix64(seed: seed)`.
  public init(seed: UInt64) {
    var splitMix = SplitMix64(seed: seed)
    state = (splitMix.next(), splitMix.next(), splitMix.next(), splitMix.next())
  }

  /// A generator with the given state (for reference vectors); the state must not be all zero.
  init(state: (UInt64, UInt64, UInt64, UInt64)) { self.state = state }

  /// The independent stream of trial `index` in a simulation started with `seed`.
  ///
  /// Derivation: `Xoshiro256StarStar(seed: seed ^ SplitMix64(seed: index).next())`, that is the
  /// trial index is hashed by one SplitMix64 step (a bijection of 64-bit words, so distinct
  /// indices give distinct seeds for a given `seed`), XOR-ed into the seed, and the result seeds
  /// the generator as in ``init(seed:)``. A stream depends on (`seed`, `index`) only, never on
  /// which other streams were made or in which order, so trials can run on any number of threads.
  /// Hashing (rather than `index` jumps of 2¹²⁸ steps) costs O(1) per trial; two streams overlap
  /// only if their 256-bit starting points fall within a trial's length of each other in a
  /// period of 2²⁵⁶ − 1, which is negligible.
  public static func stream(seed: UInt64, index: UInt64) -> Xoshiro256StarStar {
    var indexHash = SplitMix64(seed: index)
    return Xoshiro256StarStar(seed: seed ^ indexHash.next())
  }

  /// Equal when the states are equal.
  public static func == (lhs: Xoshiro256StarStar, rhs: Xoshiro256StarStar) -> Bool {
    lhs.state == rhs.state
  }

  /// The next 64 random bits (the reference `next()`).
  public mutating func next() -> UInt64 {
    let result = rotateLeft(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotateLeft(state.3, 45)
    return result
  }

  /// Uniform on the open interval (0, 1): the top 53 bits of ``next()``, offset by half a step,
  /// `(⌊x / 2¹¹⌋ + 0.5) · 2⁻⁵³`, so that neither 0 nor 1 occurs. One 64-bit word per call.
  public mutating func uniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1p-53
  }

  /// Standard exponential, `−log U` with `U` from ``uniform()`` (one word per call).
  public mutating func exponential() -> Double { -log(uniform()) }

  /// Uniform on `0..<n` without bias, by Lemire's multiply-and-reject method (Lemire 2019, "Fast
  /// random integer generation in an interval", ACM TOMACS 29(1):3): the high word of `x · n`,
  /// rejecting `x` when the low word is below `2⁶⁴ mod n`. Usually one word; a rejection (with
  /// probability below n/2⁶⁴) draws another. Returns 0 when `n ≤ 1` without drawing.
  public mutating func integer(below n: Int) -> Int {
    guard n > 1 else { return 0 }
    let bound = UInt64(n)
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        product = next().multipliedFullWidth(by: bound)
      }
    }
    return Int(product.high)
  }
}

@inline(__always)
private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
  (x << k) | (x >> (64 - k))
}
