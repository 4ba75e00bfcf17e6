import Foundation
import Testing

/// Competing risks and clustered Kaplan–Meier through the binary (issue 16, points 3 and 4), as a
/// user types the commands; the numbers are R's and cmprsk's, from Datasets/References.
@Suite struct CompetingCommandTests {
  static func fixture(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: repository.appendingPathComponent("Datasets/References/\(name)"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  static func referenceCase(_ file: String, _ key: String) throws -> [String: Any] {
    let cases = try #require(try fixture(file)["cases"] as? [[String: Any]])
    return try #require(cases.first { $0["key"] as? String == key }, "\(key) in \(file)")
  }

  static func close(_ a: Any?, _ b: Any?, _ tolerance: Double) -> Bool {
    switch (a as? Double, b as? Double) {
    case let (x?, y?): return x == y || abs(x - y) <= tolerance * max(abs(x), abs(y))
    case (nil, nil): return true
    default: return false
    }
  }

  @Test("cif DATA --time T --event E --group G --times ... --format json: survfit's incidence per cause and group at the times")
  func incidenceAtTimes() throws {
    let r = try Self.referenceCase("competing_risks_reference.json", "mgus2_by_sex")
    let run = try osstats(["cif", "Datasets/mgus2.csv", "--time", "etime", "--event", "event", "--group", "sex", "--times", "60,120,400", "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let doc = try jsonObject(run.stdout)
    #expect(doc["analysis"] as? String == "cumulative-incidence")
    #expect(doc["causes"] as? [String] == ["1", "2"])
    let mapping = ((doc["input"] as? [String: Any])?["mapping"] as? [String: Any])?["event_coding"] as? String
    #expect(mapping == "0 = censored, every other value a cause")
    let groups = try #require(doc["groups"] as? [[String: Any]])
    let expected = try #require(r["groups"] as? [[String: Any]])
    #expect(groups.map { $0["group"] as? String ?? "" } == expected.map { $0["group"] as? String ?? "" })
    for (g, e) in zip(groups, expected) {
      let causes = try #require(g["causes"] as? [[String: Any]])
      let eCauses = try #require(e["causes"] as? [[String: Any]])
      for (c, ec) in zip(causes, eCauses) {
        let at = try #require(c["at_times"] as? [[String: Any]])
        let eat = try #require(ec["at_times"] as? [String: Any])
        for (key, mine) in [("estimate", "incidence"), ("std_err", "std_err"), ("lower", "lower"), ("upper", "upper")] {
          let values = try #require(eat[key] as? [Any])
          for (row, v) in zip(at, values) {
            #expect(Self.close(row[mine], v, 1e-9), "\(g["group"] ?? "") cause \(c["cause"] ?? "") \(mine) at \(row["time"] ?? "")")
          }
        }
        #expect(at.map { $0["n_risk"] as? Int ?? -1 } == (e["n_risk_at_times"] as? [Int]))
      }
    }
    // Text: the table at the times and the method named.
    let text = try osstats(["cif", "Datasets/mgus2.csv", "--time", "etime", "--event", "event", "--group", "sex", "--times", "60,120"])
    #expect(text.status == 0)
    #expect(text.stdout.contains("Aalen-Johansen cumulative incidence per cause"))
    #expect(text.stdout.contains("F          1    60     431    0.03979"))
  }

  @Test(
    "cif DATA --group G: cuminc's Gray test per cause, rho typed as a user types it (--rho -1)",
    arguments: [("mgus2_sex", [String]()), ("mgus2_sex_rho_minus1", ["--rho", "-1"])])
  func grayTests(key: String, extra: [String]) throws {
    let r = try Self.referenceCase("gray_reference.json", key)
    let run = try osstats(["cif", "Datasets/mgus2.csv", "--time", "etime", "--event", "event", "--group", "sex", "--format", "json"] + extra)
    #expect(run.status == 0, "\(run.stderr)")
    let tests = try #require(try jsonObject(run.stdout)["gray_tests"] as? [[String: Any]])
    let expected = try #require(r["tests"] as? [[String: Any]])
    #expect(tests.map { $0["cause"] as? String ?? "" } == ["1", "2"])
    #expect(tests.count == expected.count)
    for (t, e) in zip(tests, expected) {
      #expect(Self.close(t["statistic"], e["stat"], 1e-9), "\(key) cause \(t["cause"] ?? "")")
      #expect(Self.close(t["p"], e["p_upper"], 1e-9), "\(key) cause \(t["cause"] ?? "")")
      #expect(t["df"] as? Int == e["df"] as? Int)
      #expect(Self.close(t["rho"], r["rho"], 0))
    }
  }

  @Test("cif DATA --time T --event E --covariates age,sex --cause 1 --format json: crr's Fine-Gray model")
  func fineGray() throws {
    let r = try Self.referenceCase("finegray_reference.json", "mgus2_progression_age_male")
    let run = try osstats(["cif", "Datasets/mgus2.csv", "--time", "etime", "--event", "event", "--covariates", "age,sex", "--cause", "1", "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let fg = try #require(try jsonObject(run.stdout)["fine_gray"] as? [String: Any])
    #expect(fg["cause"] as? String == "1")
    let terms = try #require(fg["terms"] as? [[String: Any]])
    #expect(terms.map { $0["term"] as? String ?? "" } == ["age", "sexM"])
    let coef = try #require(r["coef"] as? [Double])
    let variance = try #require(r["var"] as? [Double])
    for (j, t) in terms.enumerated() {
      #expect(Self.close(t["coef"], coef[j], 1e-9), "coef \(j)")
      #expect(Self.close(t["se"], variance[j * (terms.count + 1)].squareRoot(), 1e-9), "se \(j)")
    }
    #expect(Self.close(fg["loglik"], r["loglik"], 1e-12))
  }

  @Test("cif: a cause that does not occur is a usage error naming the causes; --cause without --covariates too")
  func badCause() throws {
    let run = try osstats(["cif", "Datasets/mgus2.csv", "--time", "etime", "--event", "event", "--covariates", "age", "--cause", "3"])
    #expect(run.status == 64)
    #expect(run.stderr == "osstats: Datasets/mgus2.csv: --cause 3 is not a cause of event (causes: 1, 2)\n")
    let alone = try osstats(["cif", "Datasets/mgus2.csv", "--time", "etime", "--event", "event", "--cause", "1"])
    #expect(alone.status == 64)
    #expect(alone.stderr.contains("--cause chooses the cause of the Fine-Gray model"))
  }

  @Test("km, logrank, cox: a status with several causes points to --event-value and to osstats cif")
  func multiValuedStatusMessage() throws {
    let run = try osstats(["km", "Datasets/mgus2.csv", "--time", "etime", "--event", "event"])
    #expect(run.status == 65)
    #expect(run.stderr.hasPrefix("osstats: Datasets/mgus2.csv:2:6: event '2': the status has the values 0, 1, 2"))
    #expect(run.stderr.contains("or estimate each cause's cumulative incidence with osstats cif"))
  }

  @Test("km DATA --group G --cluster C --format json: survfit's robust (clustered jackknife) standard errors")
  func clusteredKM() throws {
    let r = try Self.referenceCase("km_cluster_reference.json", "rats_litter")
    let run = try osstats(["km", "Datasets/rats.csv", "--group", "rx", "--cluster", "litter", "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let doc = try jsonObject(run.stdout)
    #expect(doc["variance"] as? String == "infinitesimal jackknife, clustered")
    let groups = try #require(doc["groups"] as? [[String: Any]])
    let expected = try #require(r["groups"] as? [[String: Any]])
    for (g, e) in zip(groups, expected) {
      let steps = try #require(g["steps"] as? [[String: Any]])
      let se = try #require(e["std_err"] as? [Double])
      #expect(steps.count == se.count)
      for (s, v) in zip(steps, se) { #expect(Self.close(s["std_err"], v, 1e-9), "\(g["group"] ?? "") at \(s["time"] ?? "")") }
    }
    #expect((doc["warnings"] as? [String])?.contains { $0.contains("do not use the clusters") } == true)
  }

  @Test("report --competing COL --competing-time COL: the simulated cohort's incidence by arm as survfit, labelled simulated")
  func reportCompeting() throws {
    let r = try Self.referenceCase("competing_risks_reference.json", "simulated_73_by_arm")
    let args = [
      "report", "Datasets/simulated_trial_73_competing.csv", "--group", "arm", "--experimental", "salvage+dexamethasone",
      "--competing", "first_event", "--competing-time", "first_event_time",
    ]
    let run = try osstats(args + ["--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let doc = try jsonObject(run.stdout)
    #expect(doc["simulated"] as? Bool == true)
    let cr = try #require(doc["competing_risks"] as? [String: Any])
    let arms = try #require(cr["arms"] as? [[String: Any]])
    let expected = try #require(r["groups"] as? [[String: Any]])
    #expect(arms.map { $0["arm"] as? String ?? "" } == expected.map { $0["group"] as? String ?? "" })
    for (a, e) in zip(arms, expected) {
      let causes = try #require(a["causes"] as? [[String: Any]])
      for (c, ec) in zip(causes, try #require(e["causes"] as? [[String: Any]])) {
        let landmarks = try #require(c["landmarks"] as? [[String: Any]])
        let values = try #require((ec["at_times"] as? [String: Any])?["estimate"] as? [Double])
        let se = try #require((ec["at_times"] as? [String: Any])?["std_err"] as? [Double])
        for (l, (v, s)) in zip(landmarks, zip(values, se)) {
          #expect(Self.close(l["incidence"], v, 1e-9))
          #expect(Self.close(l["std_err"], s, 1e-9))
        }
      }
    }
    let html = try osstats(args)
    #expect(html.status == 0)
    #expect(html.stdout.contains("<section id=\"competing\">"))
    #expect(html.stdout.contains("Cumulative incidence of each cause by arm"))
    #expect(html.stdout.contains("Simulated data"))
  }
}
