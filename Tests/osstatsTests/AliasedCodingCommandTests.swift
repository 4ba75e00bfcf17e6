import Foundation
import Testing

/// Aliased Cox terms and R's event codings through the binary (issue 16, points 1 and 2); the
/// numbers are R's, from Datasets/References/aliased_reference.json.
@Suite struct AliasedCodingCommandTests {
  static func reference() throws -> [String: Any] {
    let data = try Data(contentsOf: repository.appendingPathComponent("Datasets/References/aliased_reference.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test("cox: a covariate constant within strata is aliased as R's NA, exit 0, the warning on stderr and in JSON")
  func constantWithinStrata() throws {
    let cases = try #require(try Self.reference()["cases"] as? [[String: Any]])
    let r = try #require(cases.first { $0["key"] as? String == "colon_strata_sex" })
    let text = try osstats(["cox", "Datasets/colon.csv", "--covariates", "rx,sex,age,nodes", "--strata", "sex"])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("aliased: sex (constant within strata)"))
    let json = try osstats(["cox", "Datasets/colon.csv", "--covariates", "rx,sex,age,nodes", "--strata", "sex", "--format", "json"])
    #expect(json.stderr.contains("warning: aliased: sex (constant within strata)"))
    #expect(text.stdout.split(separator: "\n").contains { $0.hasPrefix("sex ") && $0.contains("NA") })
    let run = try osstats(["cox", "Datasets/colon.csv", "--covariates", "rx,sex,age,nodes", "--strata", "sex", "--format", "json"])
    #expect(run.status == 0)
    let doc = try jsonObject(run.stdout)
    let terms = try #require(doc["terms"] as? [[String: Any]])
    #expect(terms.map { $0["term"] as? String ?? "" } == (r["terms"] as? [String] ?? []))
    let coef = try #require(r["coef"] as? [Any])
    for (t, c) in zip(terms, coef) {
      if let c = c as? Double {
        let mine = try #require(t["coef"] as? Double)
        #expect(abs(mine - c) <= 1e-6 * abs(c), "\(t["term"] ?? "")")
        #expect(t["aliased"] as? Bool == false)
      } else {
        #expect(t["coef"] is NSNull && t["se"] is NSNull && t["aliased"] as? Bool == true)
        #expect(t["aliased_reason"] as? String == "constant within strata")
      }
    }
    #expect((doc["warnings"] as? [String])?.contains { $0.hasPrefix("aliased: sex") } == true)
  }

  @Test("cox: nothing left to fit is a usage error (64) naming the columns")
  func nothingLeft() throws {
    let run = try osstats(["cox", "Datasets/colon.csv", "--covariates", "sex", "--strata", "sex"])
    #expect(run.status == 64)
    #expect(run.stderr == "osstats: Datasets/colon.csv: every covariate is aliased (sex (constant within strata)): nothing is left to fit; choose other --covariates\n")
  }

  @Test("km, logrank, cox read R's 1/2 status as Surv does, and say so in the mapping line")
  func oneTwoStatus() throws {
    let coding = try #require(try Self.reference()["coding"] as? [String: Any])
    let km = try osstats(["km", "Datasets/edge/lung_status12.csv", "--group", "sex", "--times", "180,365", "--format", "json"])
    #expect(km.status == 0, "\(km.stderr)")
    let doc = try jsonObject(km.stdout)
    let mapping = (doc["input"] as? [String: Any])?["mapping"] as? [String: Any]
    #expect(mapping?["event_coding"] as? String == "2 = event, 1 = censored, as R's Surv")
    let groups = try #require(doc["groups"] as? [[String: Any]])
    let medians = groups.compactMap { $0["median"] as? Double }
    #expect(medians == (coding["median"] as? [Double]))
    let lr = try osstats(["logrank", "Datasets/edge/lung_status12.csv", "--group", "sex", "--format", "json"])
    let chisq = try #require(try jsonObject(lr.stdout)["chisq"] as? Double)
    let expected = try #require(coding["logrank_chisq"] as? Double)
    #expect(abs(chisq - expected) <= 1e-9 * expected)
    let text = try osstats(["km", "Datasets/edge/lung_status12.csv", "--group", "sex"])
    #expect(text.stdout.contains("event = status (2 = event, 1 = censored, as R's Surv)"))
  }

  @Test("A 0/1/2 status is refused naming its values and --event-value; --event-value 2 codes the rest censored")
  func multiValued() throws {
    let file = try temporaryFile("causes.csv", "time,status,arm\n1,0,A\n2,1,B\n3,2,A\n4,1,B\n5,0,A\n6,2,B\n")
    for command in ["km", "logrank", "cox"] {
      let extra = command == "cox" ? ["--covariates", "arm"] : ["--group", "arm"]
      let r = try osstats([command, file] + extra)
      #expect(r.status == 65, "\(command)")
      #expect(
        r.stderr
          == "osstats: \(file):4:3: status '2': the status has the values 0, 1, 2, more than one event and one censoring code; name the event value with --event-value (--event-value 2: 2 is the event, every other value censored), or estimate each cause's cumulative incidence with osstats cif\n",
        "\(command)")
    }
    let two = try osstats(["km", file, "--group", "arm", "--event-value", "2", "--format", "json"])
    #expect(two.status == 0, "\(two.stderr)")
    let groups = try #require(try jsonObject(two.stdout)["groups"] as? [[String: Any]])
    #expect(groups.map { $0["events"] as? Int } == [1, 1])
    let missing = try osstats(["km", file, "--event-value", "7"])
    #expect(missing.status == 64)
    #expect(missing.stderr == "osstats: \(file):1:1: status has no value '7' (values: 0, 1, 2)\n")
  }
}

/// `osstats km --start` as the issue writes it, against R's survfit on (start, stop] data.
@Suite struct CountingProcessCommandTests {
  @Test("km --start START --time STOP --event E --group G --times 100,365 --format json gives R's numbers")
  func kmWithEntry() throws {
    let data = try Data(contentsOf: repository.appendingPathComponent("Datasets/References/km_counting_reference.json"))
    let reference = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let run = try osstats([
      "km", "Datasets/heart.csv", "--start", "start", "--time", "stop", "--event", "event", "--group", "transplant",
      "--times", "100,365", "--format", "json",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let doc = try jsonObject(run.stdout)
    let groups = try #require(doc["groups"] as? [[String: Any]])
    let expected = try #require(reference["groups"] as? [[String: Any]])
    #expect(groups.count == 2)
    for (g, r) in zip(groups, expected) {
      #expect(g["median"] as? Double == (r["median"] as? [Double])?.first)
      let at = try #require(g["at_times"] as? [[String: Any]])
      let surv = try #require((r["at_times"] as? [String: Any])?["surv"] as? [Double])
      for (a, s) in zip(at, surv) {
        let mine = try #require(a["survival"] as? Double)
        #expect(abs(mine - s) <= 1e-9 * s)
      }
      #expect(at.map { $0["n_risk"] as? Int ?? -1 } == (r["at_times"] as? [String: Any])?["n_risk"] as? [Int])
    }
    let mapping = try #require((doc["input"] as? [String: Any])?["mapping"] as? [String: Any])
    #expect((mapping["description"] as? String)?.hasPrefix("time = (start, stop]") == true)
  }
}

/// Model terms through the binary, as R users write them.
@Suite struct ModelTermCommandTests {
  @Test("cox --covariates 'sex*age,log(bili):edema' names the terms as R and gives R's coefficients")
  func interactionThroughTheBinary() throws {
    let data = try Data(contentsOf: repository.appendingPathComponent("Datasets/References/model_terms_reference.json"))
    let reference = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cases = try #require(reference["cases"] as? [[String: Any]])
    let r = try #require(cases.first { $0["key"] as? String == "factor_interaction" })
    let run = try osstats(["cox", "Datasets/pbc.csv", "--covariates", "sex*age,log(bili):edema", "--event-value", "2", "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let terms = try #require(try jsonObject(run.stdout)["terms"] as? [[String: Any]])
    #expect(terms.map { $0["term"] as? String ?? "" } == (r["terms"] as? [String] ?? []))
    for (t, c) in zip(terms, r["coef"] as? [Double] ?? []) {
      let mine = try #require(t["coef"] as? Double)
      #expect(abs(mine - c) <= 1e-6 * abs(c))
    }
  }

  @Test("An unknown transformation is a usage error naming the term and what is allowed")
  func unknownTerm() throws {
    let run = try osstats(["cox", "Datasets/pbc.csv", "--covariates", "exp(bili)"])
    #expect(run.status == 64)
    #expect(run.stderr == "osstats: Datasets/pbc.csv:1:1: --covariates 'exp(bili)': 'exp(bili)' is not a transformation osstats knows (a term is a column, log(x), sqrt(x), I(x^2), a:b, or a*b)\n")
  }
}
