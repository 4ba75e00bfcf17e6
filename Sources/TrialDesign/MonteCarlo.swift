import Foundation

/// How a Monte Carlo run is carried out: threads, progress reports and a stop request. None of it
/// changes the numbers: the trials are cut into fixed chunks of consecutive indices, each chunk
/// is summarised on whichever thread takes it, and the chunk summaries are combined in index
/// order, so the result depends only on the trials done, never on the threads or on timing.
public struct MonteCarloControl: Sendable {
  /// Worker threads (nil: every core).
  public var threads: Int?
  /// Called now and then with the number of trials done, in order (from any thread).
  public var progress: (@Sendable (Int) -> Void)?
  /// Polled between chunks; when it returns true the run stops and keeps the trials done so far,
  /// a prefix 0..<k of the indices.
  public var shouldStop: (@Sendable () -> Bool)?

  /// A control.
  public init(
    threads: Int? = nil, progress: (@Sendable (Int) -> Void)? = nil, shouldStop: (@Sendable () -> Bool)? = nil
  ) {
    self.threads = threads
    self.progress = progress
    self.shouldStop = shouldStop
  }
}

/// A summary that trials are added to one by one and that combines with the summary of the
/// trials that follow (`merge` appends: self's trials come first).
public protocol TrialAccumulator: Sendable {
  associatedtype Outcome: Sendable
  /// Adds the next trial.
  mutating func add(_ outcome: Outcome)
  /// Appends the summary of the trials that follow.
  mutating func merge(_ later: Self)
}

/// The result of ``runTrials(count:control:empty:simulate:emit:)``.
public struct MonteCarloResult<Accumulator: TrialAccumulator>: Sendable {
  /// The summary of the trials done.
  public let summary: Accumulator
  /// Trials done: indices 0..<done.
  public let done: Int
  /// Whether the run was stopped before `count` trials.
  public var stopped: Bool { done < requested }
  /// Trials asked for.
  public let requested: Int
}

/// Runs trials 0..<count, summarising them in index order (constant memory in `count`: at most
/// a few chunk summaries are held at once).
///
/// - Parameters:
///   - empty: the summary of no trials.
///   - simulate: the outcome of trial i; it must depend on i alone.
///   - emit: when given, receives every outcome in index order (to stream per-trial output);
///     called under a lock, one trial at a time.
public func runTrials<A: TrialAccumulator>(
  count: Int, control: MonteCarloControl = .init(), empty: A, simulate: @escaping @Sendable (Int) -> A.Outcome,
  emit: (@Sendable (Int, A.Outcome) -> Void)? = nil
) -> MonteCarloResult<A> {
  runTrials(
    count: count, control: control, empty: empty, workspace: {}, simulate: { i, _ in simulate(i) }, emit: emit)
}

/// ``runTrials(count:control:empty:simulate:emit:)`` with a workspace per thread: each worker
/// makes one with `workspace` and passes it to every trial it simulates, so that buffers are
/// reused across trials. The outcome must still depend on the index alone, never on what earlier
/// trials left in the workspace.
public func runTrials<A: TrialAccumulator, W>(
  count: Int, control: MonteCarloControl = .init(), empty: A, workspace: @escaping @Sendable () -> W,
  simulate: @escaping @Sendable (Int, inout W) -> A.Outcome, emit: (@Sendable (Int, A.Outcome) -> Void)? = nil
) -> MonteCarloResult<A> {
  let total = max(0, count)
  let chunk = 512
  let chunks = (total + chunk - 1) / chunk
  let workers = max(1, min(control.threads ?? ProcessInfo.processInfo.activeProcessorCount, max(1, chunks)))
  let state = OrderedMerge(total: empty)
  let work: @Sendable (Int) -> Void = { _ in
    var space = workspace()
    while true {
      if let stop = control.shouldStop, stop() { return }
      guard let c = state.claim(below: chunks) else { return }
      var partial = empty
      var kept: [A.Outcome] = []
      let lo = c * chunk
      let hi = min(total, lo + chunk)
      if emit != nil { kept.reserveCapacity(hi - lo) }
      for i in lo..<hi {
        let outcome = simulate(i, &space)
        partial.add(outcome)
        if emit != nil { kept.append(outcome) }
      }
      let done = state.deliver(chunk: c, partial: partial, outcomes: kept, first: lo, emit: emit)
      if let progress = control.progress, let done { progress(min(total, done * chunk)) }
    }
  }
  if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
  let (summary, merged) = state.result
  return MonteCarloResult(summary: summary, done: min(total, merged * chunk), requested: total)
}

/// The chunk queue and the in-order combination of chunk summaries.
private final class OrderedMerge<A: TrialAccumulator>: @unchecked Sendable {
  private let lock = NSLock()
  private var nextClaim = 0
  private var nextMerge = 0
  private var total: A
  private var pending: [Int: (A, [A.Outcome], Int)] = [:]

  init(total: A) { self.total = total }

  func claim(below limit: Int) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard nextClaim < limit else { return nil }
    nextClaim += 1
    return nextClaim - 1
  }

  /// Files a chunk's summary; merges every chunk now in order. Returns the chunks merged when
  /// this call merged any.
  func deliver(
    chunk: Int, partial: A, outcomes: [A.Outcome], first: Int, emit: (@Sendable (Int, A.Outcome) -> Void)?
  ) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    pending[chunk] = (partial, outcomes, first)
    var merged = false
    while let (p, kept, start) = pending.removeValue(forKey: nextMerge) {
      total.merge(p)
      if let emit { for (k, o) in kept.enumerated() { emit(start + k, o) } }
      nextMerge += 1
      merged = true
    }
    return merged ? nextMerge : nil
  }

  var result: (A, Int) {
    lock.lock()
    defer { lock.unlock() }
    return (total, nextMerge)
  }
}
