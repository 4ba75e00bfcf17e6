"""Simulated 73-patient trials per second with lifelines (see README.md). This loop is written
for the benchmark; it is not a library simulator. Per trial, the same design as sim_bench.R:
73 patients, entry uniform over 42 months, random 1:1 arm (a shuffled 37/36 split), exponential
survival with median 6 months in control and hazard ratio 0.7, no dropout, analysis at the
calendar time of the 60th event; then KaplanMeierFitter medians per arm, logrank_test and
CoxPHFitter (Efron) hazard ratio.

    python sim_bench.py TRIALS SEED
"""
import math
import sys
import time

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test

trials, seed = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(seed)
n, accrual, events, rate0, hr = 73, 42.0, 60, math.log(2) / 6, 0.7
reject = 0
loghr = []
t0 = time.perf_counter()
for _ in range(trials):
    entry = rng.uniform(0, accrual, n)
    arm = rng.permutation(np.arange(n) % 2)
    t = rng.exponential(1 / (rate0 * np.where(arm == 1, hr, 1.0)))
    cutoff = np.sort(entry + t)[events - 1]
    keep = entry <= cutoff
    d = pd.DataFrame({"time": np.minimum(t, cutoff - entry)[keep],
                      "status": (entry + t <= cutoff)[keep].astype(int), "arm": arm[keep]})
    medians = []
    for a in (0, 1):
        s = d[d["arm"] == a]
        medians.append(KaplanMeierFitter().fit(s["time"], s["status"]).median_survival_time_)
    a0, a1 = d[d["arm"] == 0], d[d["arm"] == 1]
    lr = logrank_test(a0["time"], a1["time"], event_observed_A=a0["status"], event_observed_B=a1["status"])
    cph = CoxPHFitter().fit(d, duration_col="time", event_col="status")
    reject += lr.p_value < 0.05
    loghr.append(cph.params_["arm"])
seconds = time.perf_counter() - t0
print("tool lifelines")
print("trials", trials)
print("loop_seconds %.4f" % seconds)
print("trials_per_second %.6g" % (trials / seconds))
print("power", reject / trials)
print("hr_geometric_mean", math.exp(sum(loghr) / len(loghr)))
