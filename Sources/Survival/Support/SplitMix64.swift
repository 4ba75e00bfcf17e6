import Foundation

/// SplitMix64 (Steele, Lea and Flood 2014, "Fast splittable pseudorandom number generators",
/// OOPSLA; the reference C is Vigna's splitmix64.c): a 64-bit state advanced by the golden-ratio
/// increment 0x9E3779B97F4A7C15 and finalised by a variant of MurmurHash3's mixer. Fully specified
/// by its seed, so simulated data are the same on every machine and in every run.
package struct SplitMix64: Sendable {
  /// The current state.
  public private(set) var state: UInt64

  /// A generator started at `seed`.
  package init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  package mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform on the open interval (0, 1): the top 53 bits, offset by half a step so that neither
  /// 0 nor 1 occurs.
  package mutating func uniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1p-53
  }

  /// Standard exponential, −log U.
  package mutating func exponential() -> Double { -log(uniform()) }

  /// Standard normal by the Box–Muller transform (the cosine branch only: one normal per pair of
  /// uniforms, which keeps the stream simple to reproduce).
  package mutating func normal() -> Double {
    let u1 = uniform()
    let u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }

  /// Uniform on 0..<n (n > 0), by the remainder of the next 64 bits (bias below n/2⁶⁴).
  package mutating func integer(below n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}
