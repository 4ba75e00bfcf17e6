"""The lifelines side of the Kaplan-Meier + log-rank benchmark (see README.md).

Reads time,status,group (written by `osstats-bench generate-km`) with pandas, then times
KaplanMeierFitter per group + median_survival_time_ + logrank_test together (wall clock by
time.perf_counter), median of repeats, and prints the same key-value lines as `osstats-bench km`.

    python km_bench.py FILE REPEATS
"""
import statistics
import sys
import time

import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test


def peak_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


path, repeats = sys.argv[1], max(1, int(sys.argv[2]))
t0 = time.perf_counter()
d = pd.read_csv(path, dtype={"time": float, "status": float, "group": str})
read_seconds = time.perf_counter() - t0
after_read = peak_rss_kib()
labels = sorted(d["group"].unique())
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    medians = {}
    for g in labels:
        s = d[d["group"] == g]
        kmf = KaplanMeierFitter().fit(s["time"], s["status"], label=g)
        medians[g] = kmf.median_survival_time_
    a, b = d[d["group"] == labels[0]], d[d["group"] == labels[1]]
    lr = logrank_test(a["time"], b["time"], event_observed_A=a["status"], event_observed_B=b["status"])
    times.append(time.perf_counter() - t0)
print("tool lifelines")
print("n", len(d))
print("read_seconds %.4f" % read_seconds)
print("fit_seconds " + " ".join("%.6g" % t for t in times))
print("fit_median_seconds %.6g" % statistics.median(times))
print("repeats", len(times))
print("peak_rss_after_read_kib", after_read)
print("peak_rss_end_kib", peak_rss_kib())
for g in labels:
    m = medians[g]
    print("median", g, "NA" if m == float("inf") else "%.17g" % m)
print("chisq %.17g" % lr.test_statistic)
