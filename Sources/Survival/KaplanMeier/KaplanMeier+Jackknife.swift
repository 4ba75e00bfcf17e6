/// The clustered (robust) variance of the Kaplan–Meier estimate, as R survival's
/// `survfit(..., id =, robust = TRUE)` or `survfit(..., cluster =)`: the infinitesimal jackknife,
/// each subject's derivative of S(t) with respect to its case weight summed within its cluster,
/// the variance the sum of the clusters' squares (Lin DY, Wei LJ (1989) JASA 84:1074–1078 for the
/// sandwich idea; Therneau TM, Grambsch PM (2000) §7 for the survfit form).
///
/// A record at risk over (start, stop] has derivative of log S(t) equal to Σ d/(Y(Y − d)) over the
/// curve's event times s in (start, min(t, stop)], less 1/Y + d/(Y(Y − d)) at its stop when that
/// is an event before t. Within a cluster the sum is a·G(t) + b, with G the running sum of
/// d/(Y(Y − d)), a the cluster's records at risk and b a constant that changes only when a record
/// enters or leaves; the variance is G²Σa² + 2GΣab + Σb², kept as the records come and go: O(n log n)
/// for the sort, O(n) after it.
extension KaplanMeier {
  /// The same curve with the standard error of log S replaced by the clustered jackknife one.
  /// - Parameters:
  ///   - time, event, entry: the group's records (stop times, events and, for (start, stop] data,
  ///     start times), with the times the curve was computed from.
  ///   - cluster: each record's cluster, codes 0..<clusterCount.
  func clustered(time: [Double], event: [Bool], entry: [Double]?, cluster: [Int], clusterCount: Int) -> KaplanMeier {
    let n = time.count
    let byStop = RadixSort.descending(time, group: [], groupCount: 1).reversed().map { $0 }
    let byStart = entry.map { e in RadixSort.descending(e, group: [], groupCount: 1).reversed().map { $0 } }
    var a = [Double](repeating: 0, count: clusterCount)
    var b = [Double](repeating: 0, count: clusterCount)
    var sumAA = 0.0
    var sumAB = 0.0
    var sumBB = 0.0
    // Moves cluster c by (da, db), keeping the three sums.
    func move(_ c: Int, _ da: Double, _ db: Double) {
      let a0 = a[c]
      let b0 = b[c]
      let a1 = a0 + da
      let b1 = b0 + db
      sumAA += a1 * a1 - a0 * a0
      sumAB += a1 * b1 - a0 * b0
      sumBB += b1 * b1 - b0 * b0
      a[c] = a1
      b[c] = b1
    }
    if byStart == nil {
      for i in 0..<n where cluster[i] >= 0 && cluster[i] < clusterCount { move(cluster[i], 1, 0) }
    }
    var g = 0.0
    var nextStart = 0
    var nextStop = 0
    var se: [Double] = []
    se.reserveCapacity(self.time.count)
    for j in 0..<self.time.count {
      let t = self.time[j]
      if let byStart, let entry {
        while nextStart < n && entry[byStart[nextStart]] < t {
          let i = byStart[nextStart]
          if cluster[i] >= 0 && cluster[i] < clusterCount { move(cluster[i], 1, -g) }
          nextStart += 1
        }
      }
      let y = Double(nRisk[j])
      let d = Double(nEvent[j])
      let gBefore = g
      if d > 0 { g = d < y ? g + d / (y * (y - d)) : .infinity }
      while nextStop < n && time[byStop[nextStop]] <= t {
        let i = byStop[nextStop]
        nextStop += 1
        guard cluster[i] >= 0 && cluster[i] < clusterCount else { continue }
        // Leaving: the record's value becomes the constant G(stop) [− d/(Y(Y − d)) − 1/Y].
        move(cluster[i], -1, event[i] ? gBefore - 1 / y : g)
      }
      if survival[j] > 0 && g.isFinite {
        se.append(Swift.max(g * g * sumAA + 2 * g * sumAB + sumBB, 0).squareRoot())
      } else {
        se.append(.infinity)
      }
    }
    return KaplanMeier(
      label: label, time: self.time, nRisk: nRisk, nEvent: nEvent, nCensor: nCensor, survival: survival, stdErrLog: se)
  }

  init(
    label: String, time: [Double], nRisk: [Int], nEvent: [Int], nCensor: [Int], survival: [Double], stdErrLog: [Double]
  ) {
    self.label = label
    self.time = time
    self.nRisk = nRisk
    self.nEvent = nEvent
    self.nCensor = nCensor
    self.survival = survival
    self.stdErrLog = stdErrLog
  }
}
