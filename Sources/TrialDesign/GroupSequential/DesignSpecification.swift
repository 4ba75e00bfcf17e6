import Foundation
import Survival

/// The design file: the typed, versioned record of a ``GroupSequentialDesign`` that
/// `osstats design` writes and `osstats monitor`, `report` and `simulate` read back.
///
/// Fields and keys (snake_case) are those of the file. The settings (α, sidedness, power, the
/// β the boundaries were computed with, hazard ratio, allocation, boundaries, information
/// fractions, events method, planned events and patients, accrual, strata, experimental arm) make
/// the design again; the computed fields (looks, drift, inflation factor, expected events, labels)
/// are for the reader and are checked only against the recomputation: ``design()`` warns when the
/// file's efficacy z differ from those its settings give, and when its patients differ from those
/// its accrual settings give (the file's number is then kept as the protocol's).
///
/// Versions (``schemaVersion``):
/// - 1 (``currentSchemaVersion``): read strictly. Every setting must be present with the right
///   type (a key whose value may be `null` must still be there); a missing, mistyped or
///   out-of-range field is refused by a ``Problem`` naming it. The boundaries are computed with
///   `boundaries_beta`, the β the writing design used (1 − power when the power was given; the
///   unused default 1 − 0.8 when the power was computed for given events, which then sets only
///   the looks' probabilities under the alternative), and `power` must agree with it when the
///   power was given.
/// - 0: files without `schema_version`, written by osstats before it had one. Read by the same
///   decoder as before the version existed: settings other than alpha, power, hr and the
///   information fractions take their defaults when absent (sided 1, allocation 1,
///   lan-demets-obf, no futility, schoenfeld, Haybittle–Peto z 3, accrual flags as written by
///   those versions, no dropout), the information fractions may come from the looks, and the
///   boundaries' β is 1 − power, or 0.2 when the power was computed (those files do not
///   record it).
///
/// Any other version is refused, naming the version found and the one supported.
public struct DesignSpecification: Sendable, Equatable, Codable {
  /// The version this osstats writes and reads strictly.
  public static let currentSchemaVersion = 1

  /// The rule that rounds the events, as written in the file.
  public static let roundingRule =
    "max_events = ceiling(fixed_design_events x inflation_factor) unless given; events at look k = ceiling(t_k x max_events)"
  /// The expected-events method of the accrual model, as written in the file.
  public static let accrualMethod =
    "expected events under uniform accrual, exponential survival and exponential dropout (rpact's method; not Lachin-Foulkes)"

  /// Why a design file cannot be used: one line naming the field, without command-line flags.
  public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message.
    public let description: String
    /// A problem with this message.
    public init(_ description: String) { self.description = description }
  }

  /// One planned look, as computed when the file was written (informational).
  public struct Look: Sendable, Equatable, Codable {
    /// 1, 2, …
    public var look: Int
    /// t_k.
    public var informationFraction: Double?
    /// The efficacy boundary in z; compared with the recomputed one when read.
    public var efficacyZ: Double?
    /// The futility boundary in z, nil where there is none.
    public var futilityZ: Double?
    /// One-sided nominal p-value of the efficacy boundary.
    public var nominalP: Double?
    /// Cumulative α by this look.
    public var cumulativeAlpha: Double?
    /// Cumulative β by this look (β-spending futility only).
    public var cumulativeBeta: Double?
    /// The planned events.
    public var events: Int?
    /// t_k · max_events_exact.
    public var eventsExact: Double?
    /// The hazard ratio on the efficacy boundary.
    public var hrAtBoundary: Double?
    /// The expected calendar time (with an accrual model).
    public var expectedTime: Double?
    /// P(stop for efficacy here) under the alternative.
    public var efficacyProbabilityH1: Double?
    /// P(stop for futility here) under the alternative.
    public var futilityProbabilityH1: Double?

    /// The file's keys.
    enum CodingKeys: String, CodingKey {
      case look, events
      case informationFraction = "information_fraction"
      case efficacyZ = "efficacy_z"
      case futilityZ = "futility_z"
      case nominalP = "nominal_p"
      case cumulativeAlpha = "cumulative_alpha"
      case cumulativeBeta = "cumulative_beta"
      case eventsExact = "events_exact"
      case hrAtBoundary = "hr_at_boundary"
      case expectedTime = "expected_time"
      case efficacyProbabilityH1 = "efficacy_probability_h1"
      case futilityProbabilityH1 = "futility_probability_h1"
    }

    /// A look; see the properties.
    public init(
      look: Int, informationFraction: Double?, efficacyZ: Double? = nil, futilityZ: Double? = nil, nominalP: Double? = nil,
      cumulativeAlpha: Double? = nil, cumulativeBeta: Double? = nil, events: Int? = nil, eventsExact: Double? = nil,
      hrAtBoundary: Double? = nil, expectedTime: Double? = nil, efficacyProbabilityH1: Double? = nil,
      futilityProbabilityH1: Double? = nil
    ) {
      self.look = look
      self.informationFraction = informationFraction
      self.efficacyZ = efficacyZ
      self.futilityZ = futilityZ
      self.nominalP = nominalP
      self.cumulativeAlpha = cumulativeAlpha
      self.cumulativeBeta = cumulativeBeta
      self.events = events
      self.eventsExact = eventsExact
      self.hrAtBoundary = hrAtBoundary
      self.expectedTime = expectedTime
      self.efficacyProbabilityH1 = efficacyProbabilityH1
      self.futilityProbabilityH1 = futilityProbabilityH1
    }
  }

  /// The futility boundary: `kind` "fixed" with `bounds`, or "beta-spending" with `spending`
  /// (a ``SpendingFunction`` name) and its `parameter`.
  public struct Futility: Sendable, Equatable, Codable {
    /// "fixed" or "beta-spending" (``FutilityBoundary/name``).
    public var kind: String
    /// The fixed z at each interim look.
    public var bounds: [Double]?
    /// The β-spending function's name.
    public var spending: String?
    /// Its γ or ρ.
    public var parameter: Double?
    /// Whether the boundary is binding.
    public var binding: Bool

    /// The file's keys.
    enum CodingKeys: String, CodingKey {
      case kind, bounds, spending, parameter, binding
    }

    /// A futility boundary; see the properties.
    public init(kind: String, bounds: [Double]? = nil, spending: String? = nil, parameter: Double? = nil, binding: Bool) {
      self.kind = kind
      self.bounds = bounds
      self.spending = spending
      self.parameter = parameter
      self.binding = binding
    }
  }

  /// The accrual model. The `*_given` flags say which of accrual time, follow-up and rate were
  /// given (the others were solved); only the given ones enter the design again.
  public struct Accrual: Sendable, Equatable, Codable {
    /// The expected-events method (``DesignSpecification/accrualMethod``).
    public var method: String?
    /// Control-arm median survival.
    public var controlMedian: Double
    /// Accrual duration, given or solved.
    public var accrualTime: Double?
    /// Whether the accrual duration was given.
    public var accrualTimeGiven: Bool
    /// Follow-up after accrual, given or solved.
    public var followUp: Double?
    /// Whether the follow-up was given.
    public var followUpGiven: Bool
    /// Whether the accrual rate was given.
    public var accrualRateGiven: Bool
    /// Probability of dropping out by `dropoutTime`.
    public var dropoutRate: Double
    /// The time `dropoutRate` refers to.
    public var dropoutTime: Double
    /// P̄(event by the final analysis).
    public var eventProbability: Double?
    /// Patients per unit time, given or implied.
    public var accrualRate: Double?

    /// The file's keys.
    enum CodingKeys: String, CodingKey {
      case method
      case controlMedian = "control_median"
      case accrualTime = "accrual_time"
      case accrualTimeGiven = "accrual_time_given"
      case followUp = "follow_up"
      case followUpGiven = "follow_up_given"
      case accrualRateGiven = "accrual_rate_given"
      case dropoutRate = "dropout_rate"
      case dropoutTime = "dropout_time"
      case eventProbability = "event_probability"
      case accrualRate = "accrual_rate"
    }

    /// Accrual settings; see the properties.
    public init(
      method: String? = DesignSpecification.accrualMethod, controlMedian: Double, accrualTime: Double?, accrualTimeGiven: Bool,
      followUp: Double?, followUpGiven: Bool, accrualRateGiven: Bool, dropoutRate: Double, dropoutTime: Double,
      eventProbability: Double? = nil, accrualRate: Double?
    ) {
      self.method = method
      self.controlMedian = controlMedian
      self.accrualTime = accrualTime
      self.accrualTimeGiven = accrualTimeGiven
      self.followUp = followUp
      self.followUpGiven = followUpGiven
      self.accrualRateGiven = accrualRateGiven
      self.dropoutRate = dropoutRate
      self.dropoutTime = dropoutTime
      self.eventProbability = eventProbability
      self.accrualRate = accrualRate
    }
  }

  /// 1 for files this osstats writes; 0 for a file without the field (earlier osstats).
  public var schemaVersion: Int
  /// The osstats version that wrote the file.
  public var osstatsVersion: String?
  /// The command line that wrote it.
  public var command: String?
  /// Overall type I error (two-sided total when `sided` is 2).
  public var alpha: Double
  /// 1 or 2.
  public var sided: Int
  /// The power at `hazardRatio`: given, or computed for the given events.
  public var power: Double
  /// Whether the power was computed for given events (`maxEventsExact`).
  public var powerComputed: Bool
  /// 1 − power, for the reader.
  public var beta: Double?
  /// The type II error the boundaries were computed with; nil in version 0 files.
  public var boundariesBeta: Double?
  /// The design hazard ratio (`hr`).
  public var hazardRatio: Double
  /// Allocation experimental : control.
  public var allocation: Double
  /// The efficacy boundary's name (``EfficacyBoundary/name``).
  public var spending: String
  /// Its description.
  public var spendingLabel: String?
  /// γ of hsd spending.
  public var gamma: Double?
  /// ρ of kim-demets spending.
  public var rho: Double?
  /// The interim z of a Haybittle–Peto boundary.
  public var haybittlePetoZ: Double?
  /// The futility boundary, nil for none.
  public var futility: Futility?
  /// The planned information fractions.
  public var informationFractions: [Double]
  /// The looks as computed when written.
  public var looks: [Look]?
  /// The events formula.
  public var eventsMethod: EventsMethod
  /// Events of the fixed design.
  public var fixedDesignEvents: Double?
  /// The inflation factor (nil when the power was computed).
  public var inflationFactor: Double?
  /// The drift at full information.
  public var drift: Double?
  /// The planned maximum events.
  public var maxEvents: Int?
  /// The maximum events unrounded (the events given when the power was computed).
  public var maxEventsExact: Double?
  /// Expected events under the alternative.
  public var expectedEventsH1: Double?
  /// The rounding rule (``roundingRule``).
  public var rounding: String?
  /// The planned patients.
  public var patients: Int?
  /// The patients unrounded.
  public var patientsExact: Double?
  /// The accrual model, nil for none.
  public var accrual: Accrual?
  /// Stratification factors of the primary analysis.
  public var strata: [String]
  /// The experimental arm's label in the data's group column.
  public var experimentalArm: String?
  /// Warnings of the run that wrote the file.
  public var warnings: [String]

  /// The specification of `design`, as `osstats design` writes it (``currentSchemaVersion``).
  /// Non-finite numbers become nil (`null` in the file).
  public init(design d: GroupSequentialDesign, osstatsVersion: String?, command: String?) {
    let b = d.boundaries
    let finite = { (v: Double?) -> Double? in v.flatMap { $0.isFinite ? $0 : nil } }
    schemaVersion = Self.currentSchemaVersion
    self.osstatsVersion = osstatsVersion
    self.command = command
    alpha = b.alpha
    sided = b.sided
    power = d.power
    powerComputed = d.computedPower != nil
    beta = finite(1 - d.power)
    boundariesBeta = b.beta
    hazardRatio = d.hazardRatio
    allocation = d.allocation
    spending = b.efficacy.name
    spendingLabel = b.efficacy.label
    gamma = b.efficacy.spendingFunction.flatMap { if case .hwangShihDeCani(let g) = $0 { g } else { nil } }
    rho = b.efficacy.spendingFunction.flatMap { if case .kimDeMets(let r) = $0 { r } else { nil } }
    if case .haybittlePeto(let z) = b.efficacy { haybittlePetoZ = z } else { haybittlePetoZ = nil }
    switch b.futility {
    case .none: futility = nil
    case .fixed(let bounds): futility = Futility(kind: b.futility.name, bounds: bounds, binding: b.bindingFutility)
    case .betaSpending(let f):
      futility = Futility(kind: b.futility.name, spending: f.name, parameter: f.parameter, binding: b.bindingFutility)
    }
    informationFractions = b.fractions
    let hrAtBoundary = d.hazardRatioAtBoundary
    looks = b.fractions.indices.map { k in
      Look(
        look: k + 1, informationFraction: b.fractions[k], efficacyZ: finite(b.efficacyZ[k]), futilityZ: finite(b.futilityZ[k]),
        nominalP: finite(b.nominalP[k]), cumulativeAlpha: finite(b.cumulativeAlpha[k]), cumulativeBeta: finite(b.cumulativeBeta?[k]),
        events: d.lookEvents[k], eventsExact: finite(b.fractions[k] * d.maxEventsExact), hrAtBoundary: finite(hrAtBoundary[k]),
        expectedTime: finite(d.analysisTimes?[k]), efficacyProbabilityH1: finite(b.efficacyProbabilityH1[k]),
        futilityProbabilityH1: finite(b.futilityProbabilityH1[k]))
    }
    eventsMethod = d.method
    fixedDesignEvents = finite(d.fixedEvents)
    inflationFactor = d.computedPower == nil ? finite(b.inflationFactor) : nil
    drift = finite(
      d.computedPower == nil
        ? b.drift : d.method.drift(hazardRatio: d.hazardRatio, events: d.maxEventsExact, allocation: d.allocation))
    maxEvents = d.maxEvents
    maxEventsExact = finite(d.maxEventsExact)
    expectedEventsH1 = finite(d.expectedEventsH1)
    rounding = Self.roundingRule
    patients = d.patients
    patientsExact = finite(d.patientsExact)
    if let a = d.accrual {
      accrual = Accrual(
        controlMedian: a.controlMedian, accrualTime: finite(d.accrualDuration), accrualTimeGiven: a.accrualTime != nil,
        followUp: finite(d.followUp), followUpGiven: a.followUp != nil, accrualRateGiven: a.accrualRate != nil,
        dropoutRate: a.dropoutRate, dropoutTime: a.dropoutTime, eventProbability: finite(d.eventProbability),
        accrualRate: finite(a.accrualRate ?? d.patientsExact.flatMap { n in d.accrualDuration.map { n / $0 } }))
    } else {
      accrual = nil
    }
    strata = d.strata
    experimentalArm = d.experimentalArm
    warnings = []
  }

  /// Reads a design file.
  /// - Throws: ``Problem``: not JSON, not a design file, an unsupported `schema_version`, or a
  ///   field missing, of the wrong type or out of range (named).
  public static func decode(_ data: Data) throws(Problem) -> DesignSpecification {
    do {
      return try JSONDecoder().decode(DesignSpecification.self, from: data)
    } catch let problem as Problem {
      throw problem
    } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
      throw Problem("not valid JSON (\(Self.syntaxError(in: data) ?? context.debugDescription))")
    } catch {
      throw Problem("not a design file (\(error))")
    }
  }

  /// The design these settings give, recomputed, and the warnings: the file's efficacy z differ
  /// from the recomputed ones (which are used), or its patients from those its accrual settings
  /// give (the file's are used).
  /// - Throws: ``Problem`` when the settings make no design (the reason from
  ///   ``GroupSequentialError`` or ``GroupSequentialDesign/PlanError``).
  public func design() throws(Problem) -> (design: GroupSequentialDesign, warnings: [String]) {
    let efficacy: EfficacyBoundary
    let parameter: Double?
    if spending == "haybittle-peto" {
      parameter = haybittlePetoZ
    } else if schemaVersion == 0 {
      parameter = gamma ?? rho  // as version 0 was read: whichever of the two is there
    } else {
      parameter = SpendingFunction.parameterName(of: spending) == "rho" ? rho : gamma
    }
    do throws(BoundaryNameError) {
      efficacy = try EfficacyBoundary(name: spending, parameter: parameter)
    } catch {
      throw Self.problem(error, field: "\"spending\"")
    }
    var futilityBoundary: FutilityBoundary = .none
    if let f = futility {
      switch f.kind {
      case "fixed":
        guard let bounds = f.bounds else { throw Problem("\"futility\".\"bounds\" is missing") }
        futilityBoundary = .fixed(bounds)
      case "beta-spending":
        let name = f.spending ?? ""
        do throws(BoundaryNameError) {
          futilityBoundary = .betaSpending(try SpendingFunction(name: name, parameter: f.parameter))
        } catch {
          throw Self.problem(error, field: "futility \"spending\"")
        }
      default: throw Problem("unknown futility \"kind\" (fixed or beta-spending)")
      }
    }
    let accrualModel = accrual.map { a in
      GroupSequentialDesign.Accrual(
        controlMedian: a.controlMedian, accrualTime: a.accrualTimeGiven ? a.accrualTime : nil,
        accrualRate: a.accrualRateGiven ? a.accrualRate : nil, followUp: a.followUpGiven ? a.followUp : nil,
        dropoutRate: a.dropoutRate, dropoutTime: a.dropoutTime)
    }
    var made: GroupSequentialDesign
    do {
      let boundaries = try GroupSequentialBoundaries(
        fractions: informationFractions, alpha: alpha, sided: sided, beta: boundariesBeta ?? (powerComputed ? 0.2 : 1 - power),
        efficacy: efficacy, futility: futilityBoundary, bindingFutility: futility?.binding ?? false)
      // The patients were given exactly when neither the follow-up nor the rate was.
      let patientsGiven = accrualModel.map { $0.followUp == nil && $0.accrualRate == nil } ?? true
      made = try GroupSequentialDesign(
        boundaries: boundaries, hazardRatio: hazardRatio, allocation: allocation, method: eventsMethod, accrual: accrualModel,
        patients: patientsGiven ? patients : nil, maxEvents: maxEvents, strata: strata,
        powerForEvents: powerComputed ? (maxEventsExact ?? maxEvents.map(Double.init)) : nil)
    } catch let e as GroupSequentialError {
      throw Problem(e.description)
    } catch let e as GroupSequentialDesign.PlanError {
      throw Problem(e.description)
    } catch {
      throw Problem("\(error)")
    }
    made.experimentalArm = experimentalArm
    var warnings: [String] = []
    if let looks {
      let written = looks.map(\.efficacyZ)
      let recomputed = made.boundaries.efficacyZ
      if written.count == recomputed.count,
        zip(written, recomputed).contains(where: { w, r in w.map { abs($0 - r) > 1e-6 } ?? false })
      {
        warnings.append(
          "the design file's efficacy_z (\(written.map { $0.map { String(format: "%.4f", $0) } ?? "-" }.joined(separator: ", "))) differ from those its settings give (\(recomputed.map { String(format: "%.4f", $0) }.joined(separator: ", "))); osstats uses the recomputed boundaries")
      }
    }
    if let p = patients, let planned = made.patients, p != planned {
      warnings.append("the design file's patients (\(p)) differ from those its accrual settings give (\(planned)); the file's number is used as planned")
      made.patients = p
    }
    return (made, warnings)
  }

  /// Where and why `data` is not JSON, as JSONSerialization says (JSONDecoder does not say).
  static func syntaxError(in data: Data) -> String? {
    do {
      _ = try JSONSerialization.jsonObject(with: data)
      return nil
    } catch {
      let ns = error as NSError
      return ns.userInfo[NSDebugDescriptionErrorKey] as? String ?? ns.localizedDescription
    }
  }

  /// The design file's message for a boundary name that makes no boundary.
  static func problem(_ error: BoundaryNameError, field: String) -> Problem {
    switch error {
    case .unknown(let name, let known): Problem("unknown \(field): \(name) (\(list(known)))")
    case .missingParameter(let name, let parameter): Problem("\(name) spending needs \"\(parameter)\"")
    }
  }

  /// "a, b or c".
  static func list(_ names: [String]) -> String {
    names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
  }
}
