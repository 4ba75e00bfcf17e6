import Foundation
import Survival

/// The sub-density of the score statistic at one look of a group-sequential trial, on the region
/// where the trial has not stopped: the state of the Armitage–McPherson–Rowe recursion.
///
/// The canonical joint distribution (Jennison & Turnbull 2000, ch. 3 and 19): with information
/// fractions t₁ < … < t_K and drift η (the mean of Z at full information), the score
/// S_k = Z_k·√t_k has independent normal increments with mean η·(t_k − t_{k−1}) and variance
/// t_k − t_{k−1}. The density of S_k on the continuation region is the convolution of the previous
/// one, truncated to that region, with the increment's normal kernel (Armitage, McPherson & Rowe
/// 1969, J R Stat Soc A 132:235–244).
///
/// The integrals are composite 10-point Gauss–Legendre rules on panels no wider than half the
/// standard deviation of the narrowest normal kernel that will be integrated against the density,
/// over the continuation region intersected with ±9 standard deviations of the untruncated
/// marginal law (the mass beyond is below 1e-18). `mass` holds density × quadrature weight, so its
/// sum is the probability of reaching this point without stopping.
struct SequentialDensity: Sendable {
  /// Quadrature nodes on the score scale s = z·√t.
  private(set) var nodes: [Double]
  /// Density × weight at each node.
  private(set) var mass: [Double]
  /// The information fraction of this look (0 before the first).
  let fraction: Double
  /// Mean and variance of the untruncated marginal law of S at this look, for the grid's range.
  private let marginalMean: Double
  private let marginalVariance: Double

  /// The state before the first look, or a trial observed at score `score` at `fraction` (for
  /// conditional power).
  static func start(score: Double = 0, fraction: Double = 0) -> SequentialDensity {
    SequentialDensity(nodes: [score], mass: [1], fraction: fraction, marginalMean: score, marginalVariance: 0)
  }

  /// The probability of reaching this look.
  var total: Double { mass.reduce(0, +) }

  /// P(Z ≥ `z` at the next look at information fraction `t`, not stopped before) under `drift`.
  func upperExit(z: Double, at t: Double, drift: Double) -> Double {
    if z == .infinity { return 0 }
    if z == -.infinity { return total }
    let delta = t - fraction
    let sd = delta.squareRoot()
    let bound = z * t.squareRoot() - drift * delta
    var sum = 0.0
    for j in nodes.indices { sum += mass[j] * Normal.upperTail((bound - nodes[j]) / sd) }
    return sum
  }

  /// P(Z ≤ `z` at the next look at information fraction `t`, not stopped before) under `drift`.
  func lowerExit(z: Double, at t: Double, drift: Double) -> Double {
    if z == -.infinity { return 0 }
    if z == .infinity { return total }
    let delta = t - fraction
    let sd = delta.squareRoot()
    let bound = z * t.squareRoot() - drift * delta
    var sum = 0.0
    for j in nodes.indices { sum += mass[j] * Normal.upperTail((nodes[j] - bound) / sd) }
    return sum
  }

  /// The sub-density at the next look at fraction `t`, on the continuation region
  /// `lower` < Z < `upper` (either may be infinite). `nextIncrement` is the fraction step to the
  /// look after (nil at the last look), which sets the grid's resolution.
  func advanced(to t: Double, lower: Double, upper: Double, drift: Double, nextIncrement: Double?) -> SequentialDensity {
    let delta = t - fraction
    let sd = delta.squareRoot()
    let mean = marginalMean + drift * delta
    let variance = marginalVariance + delta
    let reach = 9 * variance.squareRoot()
    let rootT = t.squareRoot()
    let lo = max(lower * rootT, mean - reach)
    let hi = min(upper * rootT, mean + reach)
    guard hi > lo else {
      return SequentialDensity(nodes: [], mass: [], fraction: t, marginalMean: mean, marginalVariance: variance)
    }
    let resolution = min(sd, (nextIncrement ?? delta).squareRoot())
    let panels = max(1, Int(((hi - lo) / (0.5 * resolution)).rounded(.up)))
    let width = (hi - lo) / Double(panels)
    var newNodes: [Double] = []
    var newMass: [Double] = []
    newNodes.reserveCapacity(panels * GaussLegendre.nodes.count)
    newMass.reserveCapacity(panels * GaussLegendre.nodes.count)
    let normalising = 1 / (sd * (2 * Double.pi).squareRoot())
    let shift = drift * delta
    // The kernel is summed over the previous nodes within 12 of its standard deviations (beyond,
    // exp(−u²/2) < 1e-31: nothing a double can hold beside the rest). The nodes ascend, and so do
    // the new ones, so the window slides: the cost per new node no longer grows with the number of
    // previous nodes when looks are close (a narrow kernel), and is unchanged otherwise.
    let halfWindow = 12 * sd
    var first = 0
    var end = 0
    for panel in 0..<panels {
      let centre = lo + (Double(panel) + 0.5) * width
      for (x, w) in zip(GaussLegendre.nodes, GaussLegendre.weights) {
        let s = centre + 0.5 * width * x
        let target = s - shift
        while first < nodes.count && nodes[first] < target - halfWindow { first += 1 }
        if end < first { end = first }
        while end < nodes.count && nodes[end] <= target + halfWindow { end += 1 }
        var density = 0.0
        for j in first..<end {
          let u = (s - nodes[j] - shift) / sd
          density += mass[j] * Foundation.exp(-0.5 * u * u)
        }
        newNodes.append(s)
        newMass.append(density * normalising * 0.5 * width * w)
      }
    }
    return SequentialDensity(nodes: newNodes, mass: newMass, fraction: t, marginalMean: mean, marginalVariance: variance)
  }
}

/// The 10-point Gauss–Legendre rule on [−1, 1] (Abramowitz & Stegun 1964, table 25.4).
enum GaussLegendre {
  static let nodes: [Double] = [
    -0.973_906_528_517_171_7, -0.865_063_366_688_984_5, -0.679_409_568_299_024_4, -0.433_395_394_129_247_2,
    -0.148_874_338_981_631_2, 0.148_874_338_981_631_2, 0.433_395_394_129_247_2, 0.679_409_568_299_024_4,
    0.865_063_366_688_984_5, 0.973_906_528_517_171_7,
  ]
  static let weights: [Double] = [
    0.066_671_344_308_688_1, 0.149_451_349_150_580_6, 0.219_086_362_515_982_0, 0.269_266_719_309_996_3,
    0.295_524_224_714_752_9, 0.295_524_224_714_752_9, 0.269_266_719_309_996_3, 0.219_086_362_515_982_0,
    0.149_451_349_150_580_6, 0.066_671_344_308_688_1,
  ]
}

/// Brent's root finder (Brent 1973, ch. 4) on a bracket where `f` changes sign.
enum RootFinder {
  /// The root of `f` in [a, b] to `tolerance`; nil when f(a) and f(b) have the same sign.
  static func brent(_ a0: Double, _ b0: Double, tolerance: Double = 1e-13, _ f: (Double) -> Double) -> Double? {
    var a = a0, b = b0
    var fa = f(a), fb = f(b)
    if fa == 0 { return a }
    if fb == 0 { return b }
    guard fa.sign != fb.sign else { return nil }
    var c = a, fc = fa, d = b - a, e = d
    for _ in 0..<200 {
      if fb.sign == fc.sign { c = a; fc = fa; d = b - a; e = d }
      if abs(fc) < abs(fb) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa }
      let tol = 2 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
      let m = 0.5 * (c - b)
      if abs(m) <= tol || fb == 0 { return b }
      if abs(e) >= tol && abs(fa) > abs(fb) {
        let s = fb / fa
        var p: Double, q: Double
        if a == c {
          p = 2 * m * s; q = 1 - s
        } else {
          let qa = fa / fc, r = fb / fc
          p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1))
          q = (qa - 1) * (r - 1) * (s - 1)
        }
        if p > 0 { q = -q } else { p = -p }
        if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) {
          e = d; d = p / q
        } else {
          d = m; e = m
        }
      } else {
        d = m; e = m
      }
      a = b; fa = fb
      b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
      fb = f(b)
    }
    return b
  }

  /// A root of the increasing-or-decreasing `f` near `guess`: the bracket is widened by doubling
  /// steps of `step` until `f` changes sign (at most 60 doublings), then Brent.
  static func bracketed(near guess: Double, step: Double, tolerance: Double = 1e-13, _ f: (Double) -> Double) -> Double? {
    var lo = guess - step, hi = guess + step
    var flo = f(lo), fhi = f(hi)
    var width = step
    var tries = 0
    while flo.sign == fhi.sign && tries < 60 {
      width *= 2
      if abs(flo) < abs(fhi) { lo -= width; flo = f(lo) } else { hi += width; fhi = f(hi) }
      tries += 1
    }
    guard flo.sign != fhi.sign else { return nil }
    return brent(lo, hi, tolerance: tolerance, f)
  }
}
