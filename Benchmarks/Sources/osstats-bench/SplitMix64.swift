import Foundation

/// SplitMix64 (Steele, Lea and Flood 2014, "Fast splittable pseudorandom number generators",
/// OOPSLA; the reference C is Vigna's splitmix64.c): a 64-bit state advanced by the golden-ratio
/// increment 0x9E3779B97F4A7C15 and finalised by a variant of MurmurHash3's mixer. Fully specified
/// by its seed, so the simulated data are the same on every machine and in every run.
struct SplitMix64 {
  private(set) var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform on the open interval (0, 1): the top 53 bits, offset by half a step so that neither
  /// 0 nor 1 occurs.
  mutating func uniform() -> Double {
    (Double(next() >> 11) + 0.5) * 0x1p-53
  }

  /// Standard exponential, −log U.
  mutating func exponential() -> Double { -log(uniform()) }

  /// Standard normal by the Box–Muller transform (the cosine branch only: one normal per pair of
  /// uniforms, which keeps the stream simple to reproduce).
  mutating func normal() -> Double {
    let u1 = uniform()
    let u2 = uniform()
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }
}
