"""The lifelines side of the Cox benchmark (see README.md): reads the CSV written by
`osstats-bench generate` with pandas and times CoxPHFitter().fit(d, "time", "status") (Efron ties,
lifelines' only tie method), median of repeats, printing the same key-value lines as
`osstats-bench cox`.

    python cox_bench.py FILE REPEATS
"""
import statistics
import sys
import time

import pandas as pd
from lifelines import CoxPHFitter


def peak_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


path, repeats = sys.argv[1], max(1, int(sys.argv[2]))
t0 = time.perf_counter()
d = pd.read_csv(path, dtype=float)
read_seconds = time.perf_counter() - t0
after_read = peak_rss_kib()
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    cph = CoxPHFitter().fit(d, duration_col="time", event_col="status")
    times.append(time.perf_counter() - t0)
print("tool lifelines")
print("n", len(d))
print("read_seconds %.4f" % read_seconds)
print("fit_seconds " + " ".join("%.6g" % t for t in times))
print("fit_median_seconds %.6g" % statistics.median(times))
print("repeats", len(times))
print("loglik nan %.17g" % cph.log_likelihood_)
print("peak_rss_after_read_kib", after_read)
print("peak_rss_end_kib", peak_rss_kib())
for name in cph.params_.index:
    print("coef %s %.17g %.17g" % (name, cph.params_[name], cph.standard_errors_[name]))
