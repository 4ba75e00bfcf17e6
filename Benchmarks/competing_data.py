"""Simulated data for the competing-risks and delayed-entry benchmark (Benchmarks/competing.sh).

    python3 competing_data.py cr N SEED OUT.csv   competing risks: time,status,group,age,male
    python3 competing_data.py cp N SEED OUT.csv   (start, stop] rows: start,stop,event,group

All simulated (numpy's PCG64 with the seed). Competing risks: two arms A/B with probability 1/2,
cause 1 (e.g. relapse) with hazard 0.05 * 0.7 in B, cause 2 (death without relapse) with hazard
0.03, both times age-adjusted (log hazard ratio 0.02 per year from 60) and male (0.2); uniform
censoring on (0, 40); times rounded to 3 decimals, so tied times occur. Counting process:
entry uniform on (0, 5), exponential survival from 0 with median 8 in A and hazard ratio 0.7 in
B, kept when the exit is after the entry (left truncation), exponential censoring (rate 0.05);
3 decimals.
"""
import sys

import numpy as np


def competing(n, seed, out):
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, n)
    age = np.round(rng.normal(60, 10, n), 1)
    male = rng.integers(0, 2, n)
    lp = 0.02 * (age - 60) + 0.2 * male
    h1 = 0.05 * np.where(group == 1, 0.7, 1.0) * np.exp(lp)
    h2 = 0.03 * np.exp(lp)
    t1 = rng.exponential(1 / h1)
    t2 = rng.exponential(1 / h2)
    c = rng.uniform(0, 40, n)
    t = np.minimum(np.minimum(t1, t2), c)
    status = np.where(t == c, 0, np.where(t1 < t2, 1, 2))
    t = np.maximum(np.round(t, 3), 0.001)
    with open(out, "w") as f:
        f.write("time,status,group,age,male\n")
        labels = np.array(["A", "B"])[group]
        for row in zip(t, status, labels, age, male):
            f.write("%.3f,%d,%s,%.1f,%d\n" % row)


def counting(n, seed, out):
    rng = np.random.default_rng(seed)
    rows = []
    got = 0
    with open(out, "w") as f:
        f.write("start,stop,event,group\n")
        while got < n:
            m = 2 * (n - got) + 1000
            group = rng.integers(0, 2, m)
            entry = np.round(rng.uniform(0, 5, m), 3)
            rate = np.log(2) / 8 * np.where(group == 1, 0.7, 1.0)
            t = rng.exponential(1 / rate)
            c = rng.exponential(1 / 0.05, m)
            stop = np.round(np.minimum(t, c), 3)
            event = (t <= c).astype(int)
            keep = np.flatnonzero(stop > entry)[: n - got]
            labels = np.array(["A", "B"])[group]
            for i in keep:
                f.write("%.3f,%.3f,%d,%s\n" % (entry[i], stop[i], event[i], labels[i]))
            got += len(keep)


if __name__ == "__main__":
    kind, n, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    (competing if kind == "cr" else counting)(n, seed, out)
